package rules

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/oktsec/oktsec/dsl"
	"github.com/oktsec/oktsec/engine/pattern"
	"github.com/oktsec/oktsec/ir"
)

// The compiled-sources cache keeps what compiling a rule set's sources produced — the lowered
// rules, the lints and the expression analyses — so that the next start of the same build of
// oktsec on the same sources neither parses nor analyses them again. It is keyed by the build
// (buildKey) as well as the sources: the lowering and the analyses are the code's, and a build
// whose code cannot be identified (a modified checkout, a test binary) does not use it.

// compiledMagic starts a compiled-sources cache file; the SHA-256 of the gob payload follows.
// Version 2: rules carry the secret marker (ir.Rule.Secret).
const compiledMagic = "oktsec-compiled-sources-2\n"

// compiledSources is the payload of a compiled-sources cache file.
type compiledSources struct {
	Rules    *ir.RuleSet
	Lints    dsl.Diagnostics
	Analyses map[string]*pattern.Analysis
}

// buildKey identifies the code of this binary: the VCS revision of a build from a clean
// checkout, or the module version of an installed one, with the Go version and build tags.
// It is "" when neither is known.
func buildKey() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	var rev, modified, tags string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		case "-tags":
			tags = s.Value
		}
	}
	var code string
	switch {
	case rev != "" && modified == "false":
		code = "revision " + rev
	case rev == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)":
		code = "module " + bi.Main.Path + "@" + bi.Main.Version
	default:
		return ""
	}
	return fmt.Sprintf("%s\x00%s\x00tags %s", code, bi.GoVersion, tags)
}

// compiledPath returns the cache file of srcs compiled by this build, or "" when there is no
// cache or the build cannot be identified.
func compiledPath(srcs []dsl.Source) string {
	dir, key := cacheDir(), buildKey()
	if dir == "" || key == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(key + "\x00" + sourcesDigest(srcs)))
	return filepath.Join(dir, "compiled-"+hex.EncodeToString(sum[:16])+".gob")
}

// readCompiled reads and checks a compiled-sources cache file.
func readCompiled(path string) (*compiledSources, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	rest, ok := bytes.CutPrefix(data, []byte(compiledMagic))
	if !ok || len(rest) < sha256.Size {
		return nil, errors.New("not a compiled-sources cache file")
	}
	payload := rest[sha256.Size:]
	if sum := sha256.Sum256(payload); !bytes.Equal(sum[:], rest[:sha256.Size]) {
		return nil, errors.New("compiled-sources cache file is damaged")
	}
	var cs compiledSources
	if err := gob.NewDecoder(bytes.NewReader(payload)).Decode(&cs); err != nil {
		return nil, fmt.Errorf("decode compiled sources: %w", err)
	}
	if cs.Rules == nil {
		return nil, errors.New("compiled-sources cache file holds no rules")
	}
	return &cs, nil
}

// storeCompiled writes a compiled-sources cache file.
func storeCompiled(path string, cs *compiledSources) error {
	var payload bytes.Buffer
	if err := gob.NewEncoder(&payload).Encode(cs); err != nil {
		return fmt.Errorf("encode compiled sources: %w", err)
	}
	sum := sha256.Sum256(payload.Bytes())
	data := append(append([]byte(compiledMagic), sum[:]...), payload.Bytes()...)
	return writeAtomic(path, data)
}
