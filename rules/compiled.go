package rules

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"slices"

	"github.com/oktsec/oktsec/dsl"
	"github.com/oktsec/oktsec/ir"
	"github.com/oktsec/oktsec/pattern"
)

// The compiled-sources cache keeps what compiling a rule set's sources produced — the lowered
// rules, the lints and the expression analyses — so that the next start of the same build of
// oktsec on the same sources neither parses nor analyses them again. It is keyed by the build
// (buildKey) as well as the sources: the lowering and the analyses are the code's. Besides the
// seal of every cache file, a compiled-sources file must name the build and the sources it was
// made from, and hold exactly the rules the sources declare (declaredRules), in their order.

// compiledMagic starts a compiled-sources cache file.
// Version 3: rules carry the secret marker (ir.Rule.Secret).
const compiledMagic = "oktsec-compiled-sources-3\n"

// compiledSources is the payload of a compiled-sources cache file.
type compiledSources struct {
	// Build and Sources are the buildKey and sourcesDigest it was made by and from.
	Build, Sources string
	Rules          *ir.RuleSet
	Lints          dsl.Diagnostics
	Analyses       map[string]*pattern.Analysis
}

// compiledName is the cache file of srcs (with the given digest) compiled by the build with the
// given key.
func compiledName(build, digest string) string {
	sum := sha256.Sum256([]byte(build + "\x00" + digest))
	return "compiled-" + hex.EncodeToString(sum[:16]) + ".gob"
}

// readCompiled returns what this build compiled from srcs earlier, or nil when the cache has
// nothing for them that passes every check (the reason is logged at debug level).
func (c *cache) readCompiled(build, digest string, srcs []dsl.Source) *compiledSources {
	if c == nil || build == "" {
		return nil
	}
	name := compiledName(build, digest)
	cs, err := c.decodeCompiled(name, build, digest, srcs)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			c.log.Debug("cached compiled sources not used", "file", name, "err", err)
		}
		return nil
	}
	return cs
}

// decodeCompiled reads and checks a compiled-sources cache file.
func (c *cache) decodeCompiled(name, build, digest string, srcs []dsl.Source) (*compiledSources, error) {
	payload, err := c.read(name, compiledMagic)
	if err != nil {
		return nil, err
	}
	var cs compiledSources
	if err := gob.NewDecoder(bytes.NewReader(payload)).Decode(&cs); err != nil {
		return nil, fmt.Errorf("decode compiled sources: %w", err)
	}
	switch {
	case cs.Build != build:
		return nil, errors.New("made by another build")
	case cs.Sources != digest:
		return nil, errors.New("made from other sources")
	case cs.Rules == nil:
		return nil, errors.New("holds no rule set")
	}
	want := declaredRules(srcs)
	got := make([]string, len(cs.Rules.Rules))
	for i, r := range cs.Rules.Rules {
		if r == nil || r.Cond == nil {
			return nil, fmt.Errorf("rule %d is incomplete", i)
		}
		got[i] = r.ID
	}
	if !slices.Equal(got, want) {
		return nil, fmt.Errorf("holds %d rules, the sources declare %d, or other ids", len(got), len(want))
	}
	return &cs, nil
}

// storeCompiled caches what compiling srcs produced.
func (c *cache) storeCompiled(cs *compiledSources) {
	if c == nil || cs.Build == "" {
		return
	}
	var payload bytes.Buffer
	if err := gob.NewEncoder(&payload).Encode(cs); err != nil {
		c.log.Debug("compiled sources not cached", "err", err)
		return
	}
	if err := c.write(compiledName(cs.Build, cs.Sources), compiledMagic, payload.Bytes()); err != nil {
		c.log.Debug("compiled sources not cached", "err", err)
	}
}

// declaredRules returns the ids of the rules the sources declare (`rule ID {`), in order. It
// reads the tokens the way the rule parser does — skipping comments, strings and regular
// expressions — without parsing, so it costs a pass over the bytes.
func declaredRules(srcs []dsl.Source) []string {
	var ids []string
	for _, s := range srcs {
		ids = appendDeclared(ids, s.Data)
	}
	return ids
}

// appendDeclared appends the rule ids declared in one source.
func appendDeclared(ids []string, b []byte) []string {
	// prev and prev2 are the last two tokens seen: "rule" then an identifier, before a "{",
	// declare a rule.
	var prev, prev2 []byte
	push := func(tok []byte) {
		if len(tok) == 1 && tok[0] == '{' && string(prev2) == "rule" && isIdent(prev) {
			ids = append(ids, string(prev))
		}
		prev2, prev = prev, tok
	}
	for i := 0; i < len(b); {
		ch := b[i]
		switch {
		case ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n':
			i++
		case ch == '#' && i+1 < len(b) && isIdentStart(b[i+1]): // a count, #a
			j := i + 1
			for j < len(b) && isIdentByte(b[j]) {
				j++
			}
			push(b[i : i+1])
			i = j
		case ch == '#' || (ch == '/' && i+1 < len(b) && b[i+1] == '/'): // a comment
			for i < len(b) && b[i] != '\n' {
				i++
			}
		case ch == '"' || ch == '/': // a string or a regular expression
			j := i + 1
			for j < len(b) && b[j] != ch && b[j] != '\n' {
				if b[j] == '\\' {
					j++
				}
				j++
			}
			push(b[i : i+1])
			i = j + 1
		case isIdentStart(ch):
			j := i + 1
			for j < len(b) && (isIdentByte(b[j]) || b[j] == '.' || b[j] == '-') {
				j++
			}
			push(b[i:j])
			i = j
		default:
			push(b[i : i+1])
			i++
		}
	}
	return ids
}

func isIdentStart(c byte) bool { return c == '_' || c|0x20 >= 'a' && c|0x20 <= 'z' }
func isIdentByte(c byte) bool  { return isIdentStart(c) || c >= '0' && c <= '9' }

// isIdent reports whether tok is an identifier token.
func isIdent(tok []byte) bool { return len(tok) > 0 && isIdentStart(tok[0]) }
