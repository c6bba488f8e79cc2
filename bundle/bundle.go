// Package bundle writes and reads compiled rule bundles: the lowered rule set and its metadata,
// sealed with a SHA-256 digest so a damaged or edited bundle is refused at load.
package bundle

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/oktsec/oktsec/ir"
)

// magic starts every bundle file.
const magic = "OKTSEC-BUNDLE 1\n"

// Bundle is a compiled rule set with its provenance.
type Bundle struct {
	// Format is the bundle format version.
	Format int `json:"format"`
	// Created is when the bundle was written.
	Created time.Time `json:"created"`
	// Backend names the engine backend the bundle was built for.
	Backend string `json:"backend"`
	// Sources lists the rule files compiled into it.
	Sources []string    `json:"sources"`
	Rules   *ir.RuleSet `json:"rules"`
	// Vectorscan is the serialized Vectorscan database of the rules (engine.Database's
	// VectorscanImage), when the bundle was built with that backend. It is tied to the library
	// version and CPU family it was built with; elsewhere the database is compiled at load.
	Vectorscan []byte `json:"vectorscan,omitempty"`
}

// ErrCorrupt is returned for a bundle whose digest does not match its contents.
var ErrCorrupt = errors.New("bundle is corrupt or was modified")

// Write encodes b to w: the magic line, the hex SHA-256 of the payload, a newline, the payload.
func Write(w io.Writer, b *Bundle) error {
	b.Format = 1
	payload, err := json.Marshal(b)
	if err != nil {
		return fmt.Errorf("encode bundle: %w", err)
	}
	sum := sha256.Sum256(payload)
	if _, err := fmt.Fprintf(w, "%s%s\n", magic, hex.EncodeToString(sum[:])); err != nil {
		return fmt.Errorf("write bundle: %w", err)
	}
	if _, err := w.Write(payload); err != nil {
		return fmt.Errorf("write bundle: %w", err)
	}
	return nil
}

// Read decodes a bundle and checks its digest.
func Read(data []byte) (*Bundle, error) {
	if !bytes.HasPrefix(data, []byte(magic)) {
		return nil, fmt.Errorf("not an oktsec bundle (missing header)")
	}
	rest := data[len(magic):]
	nl := bytes.IndexByte(rest, '\n')
	if nl != 2*sha256.Size {
		return nil, fmt.Errorf("%w: bad digest line", ErrCorrupt)
	}
	want, err := hex.DecodeString(string(rest[:nl]))
	if err != nil {
		return nil, fmt.Errorf("%w: bad digest line", ErrCorrupt)
	}
	payload := rest[nl+1:]
	if sum := sha256.Sum256(payload); !bytes.Equal(sum[:], want) {
		return nil, ErrCorrupt
	}
	var b Bundle
	if err := json.Unmarshal(payload, &b); err != nil {
		return nil, fmt.Errorf("decode bundle: %w", err)
	}
	if b.Format != 1 {
		return nil, fmt.Errorf("unsupported bundle format %d", b.Format)
	}
	if b.Rules == nil {
		return nil, fmt.Errorf("bundle holds no rules")
	}
	return &b, nil
}
