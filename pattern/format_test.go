package pattern_test

import (
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"testing"

	"github.com/oktsec/oktsec/dsl"
	"github.com/oktsec/oktsec/pattern"
)

// TestFormatPreservesMatches: for every string of the built-in rules, the formatted expression
// finds exactly the matches of the original on every example text and on mutations of them.
func TestFormatPreservesMatches(t *testing.T) {
	srcs, err := dsl.LoadFS(os.DirFS("../rules"), ".")
	if err != nil {
		t.Fatal(err)
	}
	set, diags := dsl.Compile(srcs)
	if set == nil {
		t.Fatal(diags)
	}
	var texts []string
	for _, r := range set.Rules {
		for _, ex := range r.Examples {
			texts = append(texts, ex.Text)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i, n := 0, len(texts); i < n; i++ {
		b := []byte(texts[i])
		if len(b) > 0 {
			b[rng.IntN(len(b))] ^= 0x20 // flip case or punctuation
		}
		texts = append(texts, string(b))
	}
	exprs := []string{`(?i)straße`, `(?s:a.b)`, `(?m)^x$`, `a{2,}b{3}c{1,4}?`, `(?P<n>x)|\By\b`, `[^\n]{0,3}k`, `(?i)[k-m]`, `\x{E0041}`, `[\-\]\\]`}
	for _, r := range set.Rules {
		for _, s := range r.Strings {
			exprs = append(exprs, s.Expr)
		}
	}
	for _, e := range exprs {
		re, err := pattern.Parse(e)
		if err != nil {
			t.Fatalf("%q: %v", e, err)
		}
		orig := regexp.MustCompile(e)
		formatted, err := regexp.Compile(pattern.Format(re))
		if err != nil {
			t.Fatalf("Format(%q) = %q does not compile: %v", e, pattern.Format(re), err)
		}
		// Every text against the fixed cases; a deterministic sample of texts for rule strings.
		sample := texts
		if len(sample) > 150 {
			sample = make([]string, 150)
			for i := range sample {
				sample[i] = texts[rng.IntN(len(texts))]
			}
		}
		for _, text := range sample {
			want := orig.FindAllStringIndex(text, -1)
			got := formatted.FindAllStringIndex(text, -1)
			if !slices.EqualFunc(want, got, slices.Equal[[]int]) {
				t.Fatalf("Format(%q) = %q: on %q found %v, want %v", e, pattern.Format(re), text, got, want)
			}
		}
	}
}
