package policy_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"
	"github.com/oktsec/oktsec/engine"
	"github.com/oktsec/oktsec/ir"
	"github.com/oktsec/oktsec/policy"
)

// TestDataDriven runs the cases in testdata/:
//
//	policy           builds the current policy from its input, one override a line:
//	                 `rule ID ACTION` or `category NAME ACTION`; it prints ok or the error.
//	                 An empty input is the default policy. Each file starts with it.
//	validate ids=(A,B,...)
//	                 checks the current policy's rule overrides against the given rule ids.
//	decide [json]    decides on the findings of its input, one a line:
//	                 `RULE SEVERITY CATEGORY START-END [SURFACE [LAYER]]` (surface text and layer
//	                 plain by default), and prints the decision and the groups, or with json the
//	                 verdict's JSON. Every case is also decided on the findings reversed and
//	                 rotated, which must give the same verdict.
func TestDataDriven(t *testing.T) {
	datadriven.Walk(t, "testdata", func(t *testing.T, path string) {
		var p *policy.Policy
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			switch d.Cmd {
			case "policy":
				np, err := parsePolicy(d.Input)
				if err != nil {
					return "error: " + err.Error() + "\n"
				}
				p = np
				return "ok\n"
			case "validate":
				var ids []string
				if d.HasArg("ids") {
					d.ScanArgs(t, "ids", &ids)
				}
				if err := p.Validate(ids); err != nil {
					return "error: " + err.Error() + "\n"
				}
				return "ok\n"
			case "decide":
				findings, err := parseFindings(d.Input)
				if err != nil {
					d.Fatalf(t, "%v", err)
				}
				v := p.Decide(findings)
				want := describe(v)
				for _, perm := range permutations(findings) {
					if got := describe(p.Decide(perm)); got != want {
						t.Fatalf("%s: findings in another order give\n%s\nnot\n%s", d.Pos, got, want)
					}
				}
				if d.HasArg("json") {
					js, err := json.MarshalIndent(v, "", "  ")
					if err != nil {
						d.Fatalf(t, "marshal: %v", err)
					}
					return string(js) + "\n"
				}
				return want
			default:
				d.Fatalf(t, "unknown command %q", d.Cmd)
				return ""
			}
		})
	})
}

func parsePolicy(input string) (*policy.Policy, error) {
	c := policy.Config{Rules: map[string]policy.Decision{}, Categories: map[string]policy.Decision{}}
	for _, line := range nonEmptyLines(input) {
		f := strings.Fields(line)
		if len(f) != 3 {
			return nil, fmt.Errorf("bad override line %q", line)
		}
		switch f[0] {
		case "rule":
			c.Rules[f[1]] = policy.Decision(f[2])
		case "category":
			c.Categories[f[1]] = policy.Decision(f[2])
		default:
			return nil, fmt.Errorf("bad override line %q", line)
		}
	}
	return policy.New(c)
}

func parseFindings(input string) ([]engine.Finding, error) {
	var out []engine.Finding
	for _, line := range nonEmptyLines(input) {
		f := strings.Fields(line)
		if len(f) < 4 || len(f) > 6 {
			return nil, fmt.Errorf("bad finding line %q", line)
		}
		sev, err := ir.ParseSeverity(f[1])
		if err != nil {
			return nil, fmt.Errorf("finding %q: %w", line, err)
		}
		from, to, ok := strings.Cut(f[3], "-")
		start, err1 := strconv.Atoi(from)
		end, err2 := strconv.Atoi(to)
		if !ok || err1 != nil || err2 != nil {
			return nil, fmt.Errorf("finding %q: span must be START-END", line)
		}
		fd := engine.Finding{Rule: f[0], Severity: sev, Category: f[2], Start: start, End: end,
			Surface: ir.Text, Layer: engine.LayerPlain}
		if len(f) > 4 {
			fd.Surface = ir.Surface(f[4])
		}
		if len(f) > 5 {
			fd.Layer = f[5]
		}
		out = append(out, fd)
	}
	return out, nil
}

func nonEmptyLines(s string) []string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

func describe(v policy.Verdict) string {
	var b strings.Builder
	fmt.Fprintf(&b, "decision: %s\n", v.Decision)
	if v.Ignored > 0 {
		fmt.Fprintf(&b, "ignored: %d\n", v.Ignored)
	}
	n := 0
	for _, g := range v.Groups {
		fmt.Fprintf(&b, "group %s/%s\n", g.Lead.Surface, g.Lead.Layer)
		fmt.Fprintf(&b, "  lead  %s\n", describeFinding(g.Lead))
		for _, o := range g.Others {
			fmt.Fprintf(&b, "  other %s\n", describeFinding(o))
		}
		n += 1 + len(g.Others)
	}
	if n != len(v.Findings) {
		fmt.Fprintf(&b, "BUG: %d findings in groups, %d kept\n", n, len(v.Findings))
	}
	return b.String()
}

func describeFinding(f policy.Finding) string {
	return fmt.Sprintf("%s %s %s %d-%d -> %s", f.Rule, f.Severity, f.Category, f.Start, f.End, f.Decision)
}

// permutations returns the findings reversed and every rotation of them.
func permutations(fs []engine.Finding) [][]engine.Finding {
	var out [][]engine.Finding
	rev := slices.Clone(fs)
	slices.Reverse(rev)
	out = append(out, rev)
	for i := 1; i < len(fs); i++ {
		out = append(out, append(slices.Clone(fs[i:]), fs[:i]...))
	}
	return out
}

// TestRank checks the order of decisions and that ignore ranks below every verdict.
func TestRank(t *testing.T) {
	order := []policy.Decision{policy.Ignore, policy.Allow, policy.Flag, policy.Quarantine, policy.Block}
	for i := 1; i < len(order); i++ {
		if !order[i].Stricter(order[i-1]) || order[i-1].Stricter(order[i]) {
			t.Errorf("%s should be stricter than %s", order[i], order[i-1])
		}
	}
	if _, err := policy.ParseDecision("deny"); err == nil || !strings.Contains(err.Error(), `"deny"`) {
		t.Errorf("ParseDecision(deny) = %v, want an error naming it", err)
	}
	for sev, want := range map[ir.Severity]policy.Decision{ir.Critical: policy.Block, ir.High: policy.Quarantine,
		ir.Medium: policy.Flag, ir.Low: policy.Allow, ir.Info: policy.Allow} {
		if got := policy.DecisionFor(sev); got != want {
			t.Errorf("DecisionFor(%s) = %s, want %s", sev, got, want)
		}
	}
}
