package bench

import (
	"bytes"
	"testing"

	"github.com/cloudflare/ahocorasick"
	"github.com/oktsec/oktsec/engine/acmatch"
	"github.com/oktsec/oktsec/pattern"
)

// BenchmarkLiteralPositions compares the two ways of finding where the rule set's prefilter
// literals occur in 1 MiB of prose: cloudflare/ahocorasick says which literals occur, then
// bytes.Index finds each occurrence; acmatch reports every occurrence in one pass. The engine
// needs positions (to place candidate windows and check secondary literals) and a state that
// can be carried across stream chunks, which is why it uses acmatch.
func BenchmarkLiteralPositions(b *testing.B) {
	setup(b)
	var lits []string
	seen := map[string]bool{}
	for _, r := range ruleSet.Rules.Rules {
		for _, s := range r.Strings {
			a, err := pattern.Analyze(s.Expr, s.Window, s.Fast)
			if err != nil {
				b.Fatal(err)
			}
			for _, p := range a.Prefilters {
				for _, l := range append(append([]string(nil), p.Literals...), secondaryLiterals(p)...) {
					if !seen[l] {
						seen[l] = true
						lits = append(lits, l)
					}
				}
			}
		}
	}
	text := bytes.ToLower(corpora["prose"])
	litBytes := make([][]byte, len(lits))
	for i, l := range lits {
		litBytes[i] = []byte(l)
	}
	b.Run("cloudflare+bytes.Index", func(b *testing.B) {
		m := ahocorasick.NewStringMatcher(lits)
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			n := 0
			for _, li := range m.MatchThreadSafe(text) {
				for from := 0; ; {
					i := bytes.Index(text[from:], litBytes[li])
					if i < 0 {
						break
					}
					n++
					from += i + 1
				}
			}
		}
	})
	b.Run("acmatch", func(b *testing.B) {
		a := acmatch.Build(litBytes)
		pos := make([][]int, len(lits))
		var found []int
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			for _, l := range found {
				pos[l] = pos[l][:0]
			}
			_, found = a.Scan(0, text, 0, pos, found[:0])
		}
	})
}

func secondaryLiterals(p pattern.Prefilter) []string {
	var out []string
	for _, f := range p.Secondary {
		out = append(out, f.Literals...)
	}
	return out
}
