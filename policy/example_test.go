package policy_test

import (
	"fmt"
	"log"

	"github.com/oktsec/oktsec/engine"
	"github.com/oktsec/oktsec/ir"
	"github.com/oktsec/oktsec/policy"
)

// Findings as a scan returns them: three rules fired on one sentence of a tool call's
// arguments, and a fourth elsewhere.
var findings = []engine.Finding{
	{Rule: "PI_OVERRIDE_001", Severity: ir.High, Category: "prompt_injection", Surface: ir.ToolArgs, Layer: engine.LayerPlain, Start: 10, End: 42},
	{Rule: "EXF_SEND_SECRET", Severity: ir.Critical, Category: "exfiltration", Surface: ir.ToolArgs, Layer: engine.LayerPlain, Start: 30, End: 70},
	{Rule: "PII_EMAIL", Severity: ir.Medium, Category: "pii", Surface: ir.ToolArgs, Layer: engine.LayerPlain, Start: 55, End: 70},
	{Rule: "SC_UNPINNED", Severity: ir.Low, Category: "supply_chain", Surface: ir.ToolArgs, Layer: engine.LayerPlain, Start: 90, End: 99},
}

func Example() {
	p, err := policy.New(policy.Config{
		Rules:      map[string]policy.Decision{"EXF_SEND_SECRET": policy.Quarantine},
		Categories: map[string]policy.Decision{"supply_chain": policy.Ignore},
	})
	if err != nil {
		log.Fatal(err)
	}
	v := p.Decide(findings)
	fmt.Println("decision:", v.Decision, "ignored:", v.Ignored)
	for _, g := range v.Groups {
		fmt.Printf("%s (%s) at %d-%d, with %d more\n", g.Lead.Rule, g.Lead.Decision, g.Lead.Start, g.Lead.End, len(g.Others))
	}
	// Output:
	// decision: quarantine ignored: 1
	// EXF_SEND_SECRET (quarantine) at 30-70, with 2 more
}

func ExampleDecide() {
	v := policy.Decide(findings)
	fmt.Println(v.Decision, len(v.Groups), "groups")
	// Output: block 2 groups
}

func ExamplePolicy_Validate() {
	p, err := policy.New(policy.Config{Rules: map[string]policy.Decision{"PI_OVERIDE_001": policy.Block}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Validate([]string{"PI_OVERRIDE_001", "PII_EMAIL"}))
	// Output: policy: rule overrides name rules the rule set does not have: "PI_OVERIDE_001"
}
