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
	"strconv"
	"time"

	"github.com/oktsec/oktsec/ir"
)

// format is the bundle format this package writes and reads, and magic starts its files.
const (
	format = 3
	magic  = "OKTSEC-BUNDLE 3\n"
)

// oldFormats are the magic lines of formats no longer read, with why.
var oldFormats = []struct{ magic, why string }{
	// Format 1 held the Vectorscan database inside the JSON (base64), which took longer to
	// decode than everything else together.
	{"OKTSEC-BUNDLE 1\n", "bundle format 1 is no longer read"},
	// Format 2 predates the rules' secret marker: read now, its credential and personal-data
	// rules would lose their excerpt masking.
	{"OKTSEC-BUNDLE 2\n", "bundle format 2 is no longer read (its rules carry no secret markers, so secrets would not be masked)"},
}

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
	// It is stored after the JSON, as is.
	Vectorscan []byte `json:"-"`
}

// ErrCorrupt is returned for a bundle whose digest does not match its contents.
var ErrCorrupt = errors.New("bundle is corrupt or was modified")

// Write encodes b to w: the magic line, the hex SHA-256 of the payload, a newline, the payload.
// The payload is the decimal length of the JSON encoding of b, a newline, that JSON, then
// b.Vectorscan's bytes.
func Write(w io.Writer, b *Bundle) error {
	b.Format = format
	js, err := json.Marshal(b)
	if err != nil {
		return fmt.Errorf("encode bundle: %w", err)
	}
	h := sha256.New()
	prefix := strconv.Itoa(len(js)) + "\n"
	h.Write([]byte(prefix))
	h.Write(js)
	h.Write(b.Vectorscan)
	if _, err := fmt.Fprintf(w, "%s%s\n%s", magic, hex.EncodeToString(h.Sum(nil)), prefix); err != nil {
		return fmt.Errorf("write bundle: %w", err)
	}
	for _, part := range [][]byte{js, b.Vectorscan} {
		if _, err := w.Write(part); err != nil {
			return fmt.Errorf("write bundle: %w", err)
		}
	}
	return nil
}

// Read decodes a bundle and checks its digest. b.Vectorscan aliases data.
func Read(data []byte) (*Bundle, error) {
	for _, old := range oldFormats {
		if bytes.HasPrefix(data, []byte(old.magic)) {
			return nil, errors.New(old.why + ": compile the rules again (oktsec rules compile -o)")
		}
	}
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
	nl = bytes.IndexByte(payload, '\n')
	if nl < 0 || nl > 20 {
		return nil, fmt.Errorf("%w: bad length line", ErrCorrupt)
	}
	n, err := strconv.Atoi(string(payload[:nl]))
	if err != nil || n < 0 || n > len(payload)-nl-1 {
		return nil, fmt.Errorf("%w: bad length line", ErrCorrupt)
	}
	js := payload[nl+1 : nl+1+n]
	var b Bundle
	if err := json.Unmarshal(js, &b); err != nil {
		return nil, fmt.Errorf("decode bundle: %w", err)
	}
	if b.Format != format {
		return nil, fmt.Errorf("unsupported bundle format %d", b.Format)
	}
	if b.Rules == nil {
		return nil, fmt.Errorf("bundle holds no rules")
	}
	if v := payload[nl+1+n:]; len(v) > 0 {
		b.Vectorscan = v
	}
	return &b, nil
}
