package engine

import (
	"fmt"
	"time"

	"github.com/oktsec/oktsec/engine/hsmatch"
	"github.com/oktsec/oktsec/ir"
)

// StringCost is what one rule string costs the Vectorscan compiler, its expression compiled
// alone: the figures behind the lint of expressions that make a rule set slow to compile.
type StringCost struct {
	Rule, String string
	Pos          ir.Position
	// Compile is how long Vectorscan took to compile the expression alone.
	Compile time.Duration
	// Fallback, when not empty, says why Vectorscan does not take the expression as
	// translated: it compiles it in prefilter mode, or leaves it to the Go prefilter.
	Fallback string
	// Shared is true when an earlier string has the same expression: the figures are its.
	Shared bool
}

// costProbe is a pattern compiled along with each measured expression, so that the set
// compiles even when Vectorscan rejects the expression and the reason can be read back.
const costProbe = `\x00oktsec-probe\x00`

// VectorscanCosts compiles each distinct string expression of set alone for Vectorscan, one
// after another, and reports the cost of every rule string, in rule order (strings that share
// an expression share its figures). It fails with ErrVectorscanUnavailable in a build without
// Vectorscan. Compiling the built-in set this way takes about as long as compiling it whole.
func VectorscanCosts(set *ir.RuleSet) ([]StringCost, error) {
	type measured struct {
		d        time.Duration
		fallback string
	}
	seen := map[string]measured{}
	var out []StringCost
	for _, r := range set.Rules {
		for _, s := range r.Strings {
			p, _, err := compilePattern(s)
			if err != nil {
				return nil, fmt.Errorf("rule %s: $%s: %w", r.ID, s.Name, err)
			}
			m, ok := seen[p.expr]
			if !ok {
				if m.d, m.fallback, err = compileAlone(p.expr); err != nil {
					return nil, fmt.Errorf("rule %s: $%s: %w", r.ID, s.Name, err)
				}
				seen[p.expr] = m
			}
			out = append(out, StringCost{Rule: r.ID, String: s.Name, Pos: s.Pos, Compile: m.d, Fallback: m.fallback, Shared: ok})
		}
	}
	return out, nil
}

// compileAlone compiles expr (with costProbe) for Vectorscan and times it.
func compileAlone(expr string) (time.Duration, string, error) {
	start := time.Now()
	hdb, err := hsmatch.Compile([]hsmatch.Pattern{{ID: 0, Expr: expr}, {ID: 1, Expr: costProbe}})
	d := time.Since(start)
	if err != nil {
		return 0, "", err
	}
	defer hdb.Close()
	fallback := ""
	for _, f := range hdb.Fallbacks() {
		if f.ID == 0 {
			fallback = "left to the go prefilter: " + f.Reason
		}
	}
	for _, id := range hdb.Prefiltered() {
		if id == 0 {
			fallback = "compiled only in prefilter mode"
		}
	}
	return d, fallback, nil
}
