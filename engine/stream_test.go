package engine_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/oktsec/oktsec/engine"
)

// streamed feeds input to a stream of s in pieces of the given sizes (cycled).
func streamed(t testing.TB, s *engine.Scanner, input []byte, sizes ...int) *engine.Result {
	t.Helper()
	st := s.NewStream()
	for i, k := 0, 0; i < len(input); k++ {
		n := min(sizes[k%len(sizes)], len(input)-i)
		if _, err := st.Write(input[i : i+n]); err != nil {
			t.Fatal(err)
		}
		i += n
	}
	res, err := st.Close()
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestStreamEqualsWhole: every rule example, alone and inside a JSON-RPC message, gives the
// same findings streamed in pieces of any size as scanned whole, with text units held whole
// and scanned in a window.
func TestStreamEqualsWhole(t *testing.T) {
	s := builtinScanner(t)
	set := s.Database()
	var inputs [][]byte
	for _, r := range set.Rules() {
		for _, ex := range r.Examples {
			inputs = append(inputs, []byte(ex.Text))
			msg, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "tools/call",
				"params": map[string]any{"name": "t", "arguments": map[string]any{"q": ex.Text}}})
			inputs = append(inputs, msg)
		}
	}
	for _, limits := range []engine.Limits{{}, {UnitBuffer: 1}, {UnitBuffer: 1, MessageLimit: 40}} {
		s := s.WithLimits(limits)
		for _, in := range inputs {
			want := describe(s.Scan(in), in)
			for _, sizes := range [][]int{{1}, {3, 1, 7}, {64}, {len(in) + 1}} {
				if got := describe(streamed(t, s, in, sizes...), in); got != want {
					t.Fatalf("limits %+v, pieces %v, input %q:\ngot\n%s\nwant\n%s", limits, sizes, in, got, want)
				}
			}
		}
	}
}

// TestStreamWindowLongInput: long texts, with every rule example spread among filler (ASCII,
// fullwidth and combining text, invisible characters, base64), give the same findings in a
// window, in pieces of every shape, as whole.
func TestStreamWindowLongInput(t *testing.T) {
	s := builtinScanner(t)
	var examples []string
	for _, r := range s.Database().Rules() {
		for _, ex := range r.Examples {
			examples = append(examples, ex.Text)
		}
	}
	fillers := []string{
		strings.Repeat("The quick brown fox jumps over the lazy dog. ", 40),
		strings.Repeat("ｆｕｌｌｗｉｄｔｈ ｔｅｘｔ e\u0301\u0302 \u200b", 30),
		strings.Repeat("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=", 20) + " ",
		"\n",
	}
	var b strings.Builder
	for i, ex := range examples {
		b.WriteString(ex)
		b.WriteString(fillers[i%len(fillers)])
	}
	input := []byte(b.String())
	want := s.Scan(input)
	if len(want.Findings) < 100 {
		t.Fatalf("only %d findings in %d bytes of examples", len(want.Findings), len(input))
	}
	windowed := s.WithLimits(engine.Limits{UnitBuffer: 1})
	wantDesc := describe(want, input)
	for _, sizes := range [][]int{{4096}, {1, 7, 300}, {65536}, {13, 8191}} {
		if got := describe(streamed(t, windowed, input, sizes...), input); got != wantDesc {
			t.Fatalf("pieces %v of %d bytes:\n%s", sizes, len(input), firstDiff(got, wantDesc))
		}
	}
}

// firstDiff shows the first line where two descriptions differ.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d:\n got  %s\n want %s", i+1, gl, wl)
		}
	}
	return "same"
}
