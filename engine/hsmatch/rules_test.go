package hsmatch_test

import (
	"bytes"
	"math/rand/v2"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oktsec/oktsec/dsl"
	"github.com/oktsec/oktsec/engine/hsmatch"
	"github.com/oktsec/oktsec/pattern"
	"github.com/oktsec/oktsec/rules"
)

// builtin is the built-in rule set as the engine matches it: the distinct bounded expressions
// of its strings, and the texts of its examples.
type builtin struct {
	pats  []hsmatch.Pattern
	texts [][]byte
}

var (
	builtinOnce sync.Once
	builtinSet  *builtin
	builtinErr  error
)

func loadBuiltin(t testing.TB) *builtin {
	t.Helper()
	builtinOnce.Do(func() {
		srcs, err := rules.Builtin()
		if err != nil {
			builtinErr = err
			return
		}
		set, diags := dsl.Compile(srcs)
		if set == nil {
			builtinErr = diags.Errors()
			return
		}
		b := &builtin{}
		seen := map[string]bool{}
		for _, r := range set.Rules {
			for _, ex := range r.Examples {
				b.texts = append(b.texts, []byte(ex.Text))
			}
			for _, s := range r.Strings {
				a, err := pattern.Analyze(s.Expr, s.Window, s.Fast)
				if err != nil {
					builtinErr = err
					return
				}
				if !seen[a.Expr] {
					seen[a.Expr] = true
					b.pats = append(b.pats, hsmatch.Pattern{ID: len(b.pats), Expr: a.Expr})
				}
			}
		}
		builtinSet = b
	})
	if builtinErr != nil {
		t.Fatalf("load the built-in rules: %v", builtinErr)
	}
	return builtinSet
}

var (
	rulesDBOnce sync.Once
	rulesDBVal  *hsmatch.Database
	rulesDBErr  error
	rulesDBTime time.Duration
)

// rulesDB compiles the built-in expressions once per test binary (about a minute); nil in a
// build without Hyperscan.
func rulesDB(t testing.TB) *hsmatch.Database {
	t.Helper()
	if !hsmatch.Available {
		return nil
	}
	b := loadBuiltin(t)
	rulesDBOnce.Do(func() {
		start := time.Now()
		rulesDBVal, rulesDBErr = hsmatch.Compile(b.pats)
		rulesDBTime = time.Since(start)
	})
	if rulesDBErr != nil {
		t.Fatalf("compile the built-in expressions: %v", rulesDBErr)
	}
	return rulesDBVal
}

var foldVariants = strings.NewReplacer("s", "\u017f", "k", "\u212a", "K", "\u212a")

// variants derives one text from each example, in turn: a case variant that changes the UTF-8
// length (ſ for s, U+212A for k), upper case, invalid and truncated UTF-8, a suffix, or the
// join of two examples. Random bytes follow.
func variants(texts [][]byte, seed uint64) [][]byte {
	rng := rand.New(rand.NewPCG(seed, 11))
	junk := [][]byte{[]byte("\xff"), []byte("\xe2\x82"), []byte("\xc3"), []byte("\x80\x80"), []byte("\ufffd"), []byte("\u00e9"), []byte("\U0001F600"), []byte("\n")}
	out := append([][]byte(nil), texts...)
	for i, tx := range texts {
		var v []byte
		switch i % 5 {
		case 0:
			v = []byte(foldVariants.Replace(string(tx)))
		case 1:
			v = bytes.ToUpper(tx)
		case 2:
			for _, c := range tx {
				if rng.IntN(12) == 0 {
					v = append(v, junk[rng.IntN(len(junk))]...)
				}
				v = append(v, c)
			}
		case 3:
			v = tx[rng.IntN(len(tx)+1):]
		case 4:
			v = append(append(v, tx...), texts[(i*7+1)%len(texts)]...)
		}
		out = append(out, v)
	}
	for range 100 {
		b := make([]byte, 1+rng.IntN(300))
		for j := range b {
			b[j] = byte(rng.IntN(256))
		}
		out = append(out, b)
	}
	return out
}

// TestRulesSuperset checks the superset property on every built-in expression, against the
// rules' examples and variants of them: with Go's regexp running each translation over bytes,
// and, in a build with Hyperscan, with the compiled database.
func TestRulesSuperset(t *testing.T) {
	b := loadBuiltin(t)
	texts := variants(b.texts, 1)
	goRes := make([]*regexp.Regexp, len(b.pats))
	oracles := make([]interface{ Matches([]byte) bool }, len(b.pats))
	for i, p := range b.pats {
		goRes[i] = regexp.MustCompile(p.Expr)
		tr, err := hsmatch.Translate(p.Expr)
		if err != nil {
			t.Fatalf("Translate(%q): %v", p.Expr, err)
		}
		// Go's repeat limits refuse the oracle of a few widened expressions; the Hyperscan
		// build checks those.
		if o, err := hsmatch.NewByteOracle(tr); err == nil {
			oracles[i] = o
		}
	}
	if n := countNil(oracles); n > len(oracles)/20 {
		t.Fatalf("%d of %d translations have no oracle", n, len(oracles))
	}
	db := rulesDB(t)
	left := map[int]bool{}
	if db != nil {
		for _, f := range db.Fallbacks() {
			left[f.ID] = true
		}
		t.Logf("%d patterns, %d in prefilter mode, %d left out", len(b.pats), len(db.Prefiltered()), len(left))
	}
	matches := 0
	for _, text := range texts {
		var have map[hsmatch.Hit]bool
		if db != nil {
			hits, err := db.Scan(text, nil)
			if err != nil {
				t.Fatal(err)
			}
			have = make(map[hsmatch.Hit]bool, len(hits))
			for _, h := range hits {
				have[h] = true
			}
		}
		for i, re := range goRes {
			for _, m := range re.FindAllIndex(text, -1) {
				matches++
				e := m[1]
				if oracles[i] != nil && !oracles[i].Matches(text[m[0]:e]) {
					t.Fatalf("pattern %d %q: Go matches [%d,%d) in %q; the translation does not", i, b.pats[i].Expr, m[0], e, text)
				}
				if have != nil && !left[i] && !have[hsmatch.Hit{ID: i, End: e}] {
					t.Fatalf("pattern %d %q: Go match ends at %d in %q; no hit", i, b.pats[i].Expr, e, text)
				}
			}
		}
	}
	if matches < len(b.texts)/2 {
		t.Fatalf("only %d Go matches on %d texts: the test checks too little", matches, len(texts))
	}
	t.Logf("%d texts, %d Go matches checked", len(texts), matches)
}

func countNil[T comparable](v []T) int {
	var zero T
	n := 0
	for _, x := range v {
		if x == zero {
			n++
		}
	}
	return n
}
