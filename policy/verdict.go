package policy

import (
	"cmp"
	"slices"

	"github.com/oktsec/oktsec/engine"
)

// Finding is an engine finding with the decision the policy gave it.
type Finding struct {
	engine.Finding
	// Decision is the finding's effective decision: its override or its severity's.
	Decision Decision `json:"decision"`
}

// Group is a set of findings whose spans overlap (directly or through other findings of the
// group) on the same surface and layer: typically one sentence that several rules fired on.
type Group struct {
	// Lead is the strictest finding of the group: the highest decision, then the highest
	// severity, then the lowest rule id, then the earliest span.
	Lead Finding `json:"lead"`
	// Others are the rest of the group, strictest first in the same order.
	Others []Finding `json:"others,omitempty"`
}

// Verdict is what a policy made of a scan's findings.
//
// Its JSON form is
//
//	{"decision": "block", "groups": [{"lead": {finding}, "others": [{finding}, ...]}], "ignored": 1}
//
// where each finding is the engine finding's fields plus "decision". The groups hold every kept
// finding exactly once, so the flat list is not repeated in JSON.
type Verdict struct {
	// Decision is the strictest decision among the kept findings; Allow when there are none.
	Decision Decision `json:"decision"`
	// Findings are the kept findings (those not ignored), ordered by surface, layer, span and
	// rule id.
	Findings []Finding `json:"-"`
	// Groups partition Findings by overlapping spans, ordered by surface, layer and where each
	// group starts.
	Groups []Group `json:"groups"`
	// Ignored counts the findings an ignore override dropped.
	Ignored int `json:"ignored,omitempty"`
}

// Decide applies the policy to findings and returns the verdict. The result does not depend on
// the order of findings. A nil *Policy decides by severity alone.
func (p *Policy) Decide(findings []engine.Finding) Verdict {
	v := Verdict{Decision: Allow, Findings: []Finding{}, Groups: []Group{}}
	for _, f := range findings {
		d := p.Action(f)
		if d == Ignore {
			v.Ignored++
			continue
		}
		v.Findings = append(v.Findings, Finding{Finding: f, Decision: d})
		if d.Stricter(v.Decision) {
			v.Decision = d
		}
	}
	slices.SortStableFunc(v.Findings, byPlace)
	v.Groups = group(v.Findings)
	return v
}

// Decide applies the default policy (severity only) to findings.
func Decide(findings []engine.Finding) Verdict {
	var p *Policy
	return p.Decide(findings)
}

// group partitions findings, sorted by byPlace, into groups of overlapping spans. Spans are
// half-open: [0,5) and [5,9) do not overlap. A finding joins the group when it starts before
// the group's furthest end, which makes grouping transitive.
func group(sorted []Finding) []Group {
	var groups []Group
	for i := 0; i < len(sorted); {
		end := sorted[i].End
		j := i + 1
		for j < len(sorted) && sameUnit(sorted[j], sorted[i]) && sorted[j].Start < end {
			end = max(end, sorted[j].End)
			j++
		}
		members := slices.Clone(sorted[i:j])
		slices.SortStableFunc(members, byStrictness)
		g := Group{Lead: members[0]}
		if len(members) > 1 {
			g.Others = members[1:]
		}
		groups = append(groups, g)
		i = j
	}
	if groups == nil {
		groups = []Group{}
	}
	return groups
}

func sameUnit(a, b Finding) bool { return a.Surface == b.Surface && a.Layer == b.Layer }

// byPlace orders findings by surface, layer, start, end, then rule id.
func byPlace(a, b Finding) int {
	return cmp.Or(
		cmp.Compare(a.Surface, b.Surface),
		cmp.Compare(a.Layer, b.Layer),
		cmp.Compare(a.Start, b.Start),
		cmp.Compare(a.End, b.End),
		cmp.Compare(a.Rule, b.Rule),
	)
}

// byStrictness orders findings strictest first: decision, severity, then rule id, then place.
func byStrictness(a, b Finding) int {
	return cmp.Or(
		-cmp.Compare(a.Decision.Rank(), b.Decision.Rank()),
		-cmp.Compare(a.Severity, b.Severity),
		cmp.Compare(a.Rule, b.Rule),
		byPlace(a, b),
	)
}
