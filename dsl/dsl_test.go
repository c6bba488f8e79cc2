package dsl_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"
	"github.com/oktsec/oktsec/dsl"
	"github.com/oktsec/oktsec/ir"
)

// TestDataDriven runs the cases in testdata/: `compile` compiles its input as the file test.okt
// and prints every diagnostic, then, when the set compiled, each rule's lowered form.
func TestDataDriven(t *testing.T) {
	datadriven.Walk(t, "testdata", func(t *testing.T, path string) {
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			switch d.Cmd {
			case "compile":
				set, diags := dsl.Compile([]dsl.Source{{Name: "test.okt", Data: []byte(d.Input)}})
				var b strings.Builder
				for _, diag := range diags {
					fmt.Fprintln(&b, diag.Error())
				}
				if set == nil {
					return b.String()
				}
				if d.HasArg("quiet") {
					fmt.Fprintf(&b, "ok: %d rules\n", len(set.Rules))
					return b.String()
				}
				for _, r := range set.Rules {
					describeRule(&b, r)
				}
				return b.String()
			default:
				d.Fatalf(t, "unknown command %q", d.Cmd)
				return ""
			}
		})
	})
}

func describeRule(b *strings.Builder, r *ir.Rule) {
	secret := ""
	if r.Secret {
		secret = " secret"
	}
	fmt.Fprintf(b, "rule %s severity=%s category=%s%s scope=%v examples=%d\n", r.ID, r.Severity, r.Category, secret, r.Scope, len(r.Examples))
	for _, s := range r.Strings {
		var mods []string
		for _, m := range []struct {
			on   bool
			name string
		}{{s.Literal, "literal"}, {s.Fullword, "fullword"}, {s.Raw, "raw"}, {s.Private, "private"}} {
			if m.on {
				mods = append(mods, m.name)
			}
		}
		if s.Window > 0 {
			mods = append(mods, fmt.Sprintf("window=%d", s.Window))
		}
		if s.Fast != "" {
			mods = append(mods, fmt.Sprintf("fast=%q", s.Fast))
		}
		fmt.Fprintf(b, "  $%s = %s %s\n", s.Name, s.Expr, strings.Join(mods, " "))
	}
	c, _ := json.Marshal(r.Cond)
	fmt.Fprintf(b, "  condition %s\n", c)
}

// TestParseNeverPanics feeds truncated prefixes of a valid file to the parser.
func TestParseNeverPanics(t *testing.T) {
	src := `rule A_1 { severity high category x meta { title = "t", remediation = "r" }
  strings { $a = /a(b|c)d/ nocase window 3 $b = "x\u{41}" wide }
  condition: ($a near $b within 4) or #a >= 2 and not @b[1] < 3 or 2 of ($a, $b*)
  examples { match "abd" nomatch "zz" } }`
	for i := range src {
		set, diags := dsl.Compile([]dsl.Source{{Name: "p.okt", Data: []byte(src[:i])}})
		if set != nil && len(set.Rules) > 0 && i < len(src)-1 {
			t.Fatalf("prefix %d compiled to %d rules", i, len(set.Rules))
		}
		for _, d := range diags {
			if d.Pos.File != "p.okt" || d.Pos.Line < 1 {
				t.Fatalf("prefix %d: diagnostic without position: %v", i, d)
			}
		}
	}
}
