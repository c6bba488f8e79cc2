package hsmatch

import (
	"errors"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"
)

// TestTranslateData checks translations against testdata/translate.txt ("translate" prints
// the Hyperscan expression or the error of each input line).
func TestTranslateData(t *testing.T) {
	datadriven.RunTest(t, "testdata/translate.txt", func(t *testing.T, d *datadriven.TestData) string {
		if d.Cmd != "translate" {
			t.Fatalf("unknown command %q", d.Cmd)
		}
		var out strings.Builder
		for _, line := range strings.Split(strings.TrimSpace(d.Input), "\n") {
			s, err := Translate(line)
			if err != nil {
				s = "error: " + err.Error()
			}
			out.WriteString(s + "\n")
		}
		return out.String()
	})
}

// supersetExprs are expressions that exercise every part of the translation.
var supersetExprs = []string{
	`(?i)kelvin`, `(?i)password`, `(?i)[k-s]+x`, `(?i)ſ`, `(?i)\x{212a}`, `(?i)straße`,
	`(?i)é`, `é{2}`, `(?i)[^k]k`, `a.b`, `a.{0,10}b`, `(?s)a.{2,5}b`, `[^a]{2,30}x`,
	`\bfoo(bar|)\b`, `\x{fffd}x`, `[\x{fffd}]{2}`, `[^\x00-\x7f]+`, `[\x{200b}-\x{200f}\x{feff}]`,
	`x[\x{80}-\x{10ffff}]{1,3}y`, `\p{Greek}+`, `[[:^alpha:]]{3}`, `^abc$`, `(?m)^a.*$`,
	`x*?y`, `(a|bc){2,4}d`, `(?:\x{2800}){3,5}`, `\d+\.\d+`, `\s{1,3}\S`, `[^\n]{5}`, `.`,
	`a{0}b`, `(foo)?bar`, `[a-c]+?|z`, `\Bx\B`, `(?U)a+b`, `\x00+`, `[\x{0}-\x{ff}]{2}`,
	`[^\x00-\x{10FFFF}]|q`, `(?i)k{2,3}`, `[\x{7f}-\x{80}]`, `[\x{7ff}-\x{800}]x`,
	`[\x{ffff}-\x{10000}]`, `(?:a|\x{10FFFF})+z`, `[^"]{1,8}"`, `\w+@\w+`,
}

// textAlphabet holds the pieces random texts are made of: ASCII, case variants with long
// UTF-8 forms, valid and truncated multi-byte sequences, and invalid bytes.
var textAlphabet = []string{
	"a", "b", "c", "d", "e", "k", "K", "s", "S", "x", "y", "z", "q", "0", "1", ".", " ", "\n", "\"",
	"@", "_", "\u212a", "\u017f", "é", "É", "ß", "€", "\u2800", "\u200b", "\ufeff", "α", "\U0001F600",
	"\U0010FFFF", "\ufffd", "\xff", "\x80", "\xc3", "\xe2\x82", "\xf0\x9f\x98", "\xed\xa0\x80", "\x00",
	"\x7f", "\xc2\x80", "\xdf\xbf", "\xe0\xa0\x80", "\xef\xbf\xbf", "\xf0\x90\x80\x80",
	"foo", "bar", "abc", "password", "kelvin", "straße", "STRASSE",
}

func randomText(rng *rand.Rand, pieces int) []byte {
	var b []byte
	for range pieces {
		b = append(b, textAlphabet[rng.IntN(len(textAlphabet))]...)
	}
	return b
}

// TestTranslateSuperset checks, with Go's regexp running each translation over bytes, that
// every Go match end is a translation match end.
func TestTranslateSuperset(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	texts := [][]byte{[]byte("KELVIN \u212aelvin paſſword PASSWORD straße STRASSE strasse"), []byte("\xff\xfe\xe2\x82x\xc3y")}
	for range 300 {
		texts = append(texts, randomText(rng, 1+rng.IntN(24)))
	}
	for _, expr := range supersetExprs {
		tr, err := Translate(expr)
		if err != nil {
			t.Errorf("Translate(%q): %v", expr, err)
			continue
		}
		o, err := newByteOracle(tr)
		if err != nil {
			t.Fatal(err)
		}
		goRe := regexp.MustCompile(expr)
		for _, text := range texts {
			if v := supersetViolation(goRe, o, text); v != "" {
				t.Errorf("%q → %q: %s", expr, tr, v)
				break
			}
		}
	}
}

func TestTranslateErrors(t *testing.T) {
	for _, c := range []struct {
		expr string
		want error
	}{
		{`a*`, ErrMatchesEmpty},
		{`\b`, ErrMatchesEmpty},
		{`^(?:x|)$`, ErrMatchesEmpty},
		{`[^\x00-\x{10FFFF}]`, ErrNeverMatches},
		{`a[^\x00-\x{10FFFF}]`, ErrNeverMatches},
	} {
		if _, err := Translate(c.expr); !errors.Is(err, c.want) {
			t.Errorf("Translate(%q) = %v, want %v", c.expr, err, c.want)
		}
	}
	if _, err := Translate(`a(`); err == nil {
		t.Error("Translate(`a(`) did not fail")
	}
}

// TestTranslatePrecision checks that the over-approximation stays close on ASCII text: a
// translation must not match where the expression cannot on these texts.
func TestTranslatePrecision(t *testing.T) {
	for _, c := range []struct{ expr, text string }{
		{`(?i)kelvin`, "kelvi"},
		{`a.b`, "a\nb"},
		{`[^a]{2,3}x`, "ax"},
		{`\d+\.\d+`, "1.x"},
		{`é`, "e"},
		{`[\x{200b}-\x{200f}]`, "\u00e9"},
		{`x[^\n]{5}`, "x\n\n\n\n\n"},
	} {
		tr, err := Translate(c.expr)
		if err != nil {
			t.Fatal(err)
		}
		o, err := newByteOracle(tr)
		if err != nil {
			t.Fatal(err)
		}
		for s := 0; s <= len(c.text); s++ {
			for e := s; e <= len(c.text); e++ {
				if o.matches([]byte(c.text[s:e])) {
					t.Errorf("%q → %q matches %q", c.expr, tr, c.text[s:e])
				}
			}
		}
	}
}
