// Package policy turns detection findings into a verdict. The engine only detects: it reports
// which rules fired where. A Policy decides what that means — by default a finding's severity
// sets its decision (DecisionFor), and per-rule or per-category overrides change it or drop the
// finding — and Decide sums the findings up into a Verdict: the strictest decision, and the
// findings grouped by overlapping spans so one sentence that trips nine rules is reported once.
package policy

import (
	"fmt"

	"github.com/oktsec/oktsec/ir"
)

// Decision is what to do with a piece of content, or, as an override, with a finding.
type Decision string

// Decisions from the most lenient to the strictest, and Ignore, which is an override action
// only: it drops the finding, so it never is the decision of a kept finding or of a verdict.
const (
	Allow      Decision = "allow"
	Flag       Decision = "flag"
	Quarantine Decision = "quarantine"
	Block      Decision = "block"
	Ignore     Decision = "ignore"
)

// Rank orders decisions; a higher rank is stricter. Allow is 0 and Block 3; Ignore and unknown
// decisions rank -1, below every verdict.
func (d Decision) Rank() int {
	switch d {
	case Allow:
		return 0
	case Flag:
		return 1
	case Quarantine:
		return 2
	case Block:
		return 3
	}
	return -1
}

// Stricter reports whether d is stricter than e.
func (d Decision) Stricter(e Decision) bool { return d.Rank() > e.Rank() }

// ParseDecision reads an override action: block, quarantine, flag, allow or ignore.
func ParseDecision(name string) (Decision, error) {
	switch d := Decision(name); d {
	case Block, Quarantine, Flag, Allow, Ignore:
		return d, nil
	}
	return "", fmt.Errorf("unknown action %q (want block, quarantine, flag, allow or ignore)", name)
}

// DecisionFor maps a severity to the decision it calls for when no override applies: critical
// blocks, high quarantines, medium flags, low and info allow.
func DecisionFor(s ir.Severity) Decision {
	switch {
	case s >= ir.Critical:
		return Block
	case s >= ir.High:
		return Quarantine
	case s >= ir.Medium:
		return Flag
	}
	return Allow
}
