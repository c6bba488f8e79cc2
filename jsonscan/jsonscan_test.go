package jsonscan_test

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/oktsec/oktsec/jsonscan"
)

// TestMapOfMatchesDecoding: for strings full of escapes, the lazily built map covers exactly
// the decoded text and the raw contents, and maps each decoded character back to the escape
// or bytes it came from.
func TestMapOfMatchesDecoding(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	pieces := []string{`a`, `é`, `\n`, `\"`, `\\`, `\/`, `\u0041`, `\u00e9`, `\ud83d\ude00`, `\ud800`, `x y`, `\t`}
	for round := 0; round < 500; round++ {
		var b strings.Builder
		for i := 0; i < rng.IntN(20); i++ {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		raw := b.String()
		doc := `{"k":"` + raw + `"}`
		var got []jsonscan.String
		if _, err := jsonscan.Scan([]byte(doc), func(s jsonscan.String) { got = append(got, s) }); err != nil {
			t.Fatalf("%s: %v", doc, err)
		}
		v := got[1]
		var want string
		if err := json.Unmarshal([]byte(`"`+raw+`"`), &want); err != nil {
			t.Fatal(err)
		}
		if string(v.Text) != want && !strings.Contains(raw, `\ud800`) {
			t.Fatalf("%s: decoded %q, want %q", raw, v.Text, want)
		}
		m := jsonscan.MapOf([]byte(doc[v.Start:v.End]))
		if out, in := m.Len(); out != len(v.Text) || in != len(raw) {
			t.Fatalf("%s: map covers %d decoded and %d raw bytes, want %d and %d", raw, out, in, len(v.Text), len(raw))
		}
		if len(v.Text) > 0 && m.Start(0) != 0 {
			t.Fatalf("%s: first character maps to %d", raw, m.Start(0))
		}
	}
}
