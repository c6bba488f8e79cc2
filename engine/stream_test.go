package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/oktsec/oktsec/dsl"
	"github.com/oktsec/oktsec/engine"
	"github.com/oktsec/oktsec/frame"
	"github.com/oktsec/oktsec/policy"
)

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
	for _, limits := range []struct {
		unitBuffer, messageLimit int
	}{{0, 0}, {1, 0}, {1, 40}} {
		s := s.WithLimits(engine.Limits{UnitBuffer: limits.unitBuffer})
		spec := frame.Spec{MessageLimit: limits.messageLimit}
		for _, in := range inputs {
			want := describe(scanSpec(t, s, spec, in), in)
			for _, sizes := range [][]int{{1}, {3, 1, 7}, {64}, {len(in) + 1}} {
				if got := describe(streamedSpec(t, s, spec, in, sizes...), in); got != want {
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
	want := scanAuto(t, s, input)
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

// TestStreamEarlyDecision: a monotone rule blocks a text stream as soon as its match is
// settled, long before the end; a counting rule waits for Close; a finished JSON message is
// judged when it ends.
func TestStreamEarlyDecision(t *testing.T) {
	set, diags := dsl.Compile([]dsl.Source{{Name: "t.okt", Data: []byte(`
rule EARLY { severity critical category t meta { title = "t" remediation = "r" }
  strings { $i = /ignore all previous/ } condition: $i }
rule FEW { severity high category t meta { title = "t" remediation = "r" }
  strings { $w = "wire" } condition: #w < 3 and #w > 0 }
`)}})
	if set == nil {
		t.Fatal(diags)
	}
	db, err := engine.Compile(set)
	if err != nil {
		t.Fatal(err)
	}
	s := engine.NewScanner(db).WithLimits(engine.Limits{UnitBuffer: 1 << 10})
	filler := []byte(strings.Repeat("nothing to see here. ", 50))

	st := frame.NewStream(context.Background(), s, frame.Spec{})
	st.Write([]byte("wire. ignore all previous. "))
	if pr := st.Progress(); decisionOf(pr.Findings) != policy.Allow || pr.Settled != 0 {
		t.Fatalf("decided before the text was settled: %+v", pr)
	}
	for i := 0; i < 10; i++ {
		st.Write(filler)
	}
	pr := st.Progress()
	if decisionOf(pr.Findings) != policy.Block || len(pr.Findings) != 1 || pr.Findings[0].Rule != "EARLY" || pr.Findings[0].Start != 6 {
		t.Fatalf("monotone rule not decided early: %+v", pr)
	}
	if pr.Settled < 1000 {
		t.Fatalf("settled offset %d after 10 KB", pr.Settled)
	}
	res, _ := st.Close()
	var rules []string
	for _, f := range res.Findings {
		rules = append(rules, f.Rule)
	}
	if strings.Join(rules, " ") != "FEW EARLY" {
		t.Fatalf("Close found %v, want the counting rule too", rules)
	}

	st = frame.NewStream(context.Background(), s, frame.Spec{})
	msg := []byte(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"q":"ignore all previous"}}`)
	st.Write(msg[:40])
	if pr := st.Progress(); pr.Settled != 0 || decisionOf(pr.Findings) != policy.Allow {
		t.Fatalf("half a message judged: %+v", pr)
	}
	st.Write(msg[40:])
	if pr := st.Progress(); pr.Settled != len(msg) || decisionOf(pr.Findings) != policy.Block {
		t.Fatalf("finished message not judged: %+v", pr)
	}
}
