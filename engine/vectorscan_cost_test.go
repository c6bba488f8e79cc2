package engine

import (
	"errors"
	"strings"
	"testing"

	"github.com/oktsec/oktsec/dsl"
	"github.com/oktsec/oktsec/engine/hsmatch"
)

// TestVectorscanCosts: every rule string gets a figure, strings sharing an expression share
// it, and an expression Vectorscan rejects is reported with the reason, not as an error.
func TestVectorscanCosts(t *testing.T) {
	set, diags := dsl.Compile([]dsl.Source{{Name: "t.okt", Data: []byte(`
rule A {
  severity high
  category test
  meta { title = "a" remediation = "r" }
  strings {
    $plain = "exfiltrate now"
    $same  = "exfiltrate now"
    $never = /zq[^\x00-\x{10FFFF}]/
  }
  condition: any of them
}`)}})
	if set == nil {
		t.Fatal(diags.Errors())
	}
	costs, err := VectorscanCosts(set)
	if !hsmatch.Available {
		if !errors.Is(err, hsmatch.ErrUnavailable) {
			t.Fatalf("without vectorscan: %v, want ErrUnavailable", err)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(costs) != 3 {
		t.Fatalf("%d costs, want 3: %+v", len(costs), costs)
	}
	plain, same, never := costs[0], costs[1], costs[2]
	if plain.Rule != "A" || plain.String != "plain" || plain.Pos.Line != 7 || plain.Compile <= 0 || plain.Fallback != "" {
		t.Errorf("plain: %+v", plain)
	}
	if plain.Shared || same.String != "same" || !same.Shared || same.Compile != plain.Compile {
		t.Errorf("same: %+v, want the figures of %+v", same, plain)
	}
	if never.String != "never" || !strings.Contains(never.Fallback, "never matches") {
		t.Errorf("never: %+v, want a fallback reason", never)
	}
	t.Logf("%+v", costs)
}
