package rules

import (
	"context"

	"github.com/oktsec/oktsec/engine"
	"github.com/oktsec/oktsec/frame"
	"github.com/oktsec/oktsec/ir"
)

// ExampleOutcome is the result of one embedded example.
type ExampleOutcome struct {
	Rule    *ir.Rule
	Example ir.Example
	// Fired is true when the rule fired on the example text.
	Fired bool
	// Err is set when the example could not be scanned.
	Err error
}

// Passed reports whether the rule behaved as the example says.
func (o ExampleOutcome) Passed() bool { return o.Err == nil && o.Fired == o.Example.Match }

// RunExamples scans every rule's examples, framed as oktsec scan frames a file, with the whole set and reports
// whether each rule fired on each of its examples.
func RunExamples(s *Set) []ExampleOutcome {
	scanner := engine.NewScanner(s.DB())
	var out []ExampleOutcome
	for _, r := range s.Rules.Rules {
		for _, ex := range r.Examples {
			res, err := frame.Scan(context.Background(), scanner, frame.Spec{}, []byte(ex.Text))
			if err != nil {
				out = append(out, ExampleOutcome{Rule: r, Example: ex, Err: err})
				continue
			}
			fired := false
			for _, f := range res.Findings {
				if f.Rule == r.ID {
					fired = true
					break
				}
			}
			out = append(out, ExampleOutcome{Rule: r, Example: ex, Fired: fired})
		}
	}
	return out
}
