// Package engine scans content with a compiled rule set. It splits input into units (the strings
// of a JSON-RPC message, each attributed to a surface, or a whole document), normalizes them,
// finds the matches of every rule string with a literal prefilter and bounded regexp
// confirmation, evaluates each rule's condition, and turns findings into a verdict.
package engine

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/cloudflare/ahocorasick"
	"github.com/oktsec/oktsec/engine/pattern"
	"github.com/oktsec/oktsec/ir"
)

// Database is a compiled rule set. It is immutable and safe for concurrent use.
type Database struct {
	rules    []*ir.Rule
	patterns []*compiledPattern
	// ruleStrings[r][i] is the pattern index of string i of rule r.
	ruleStrings [][]int
	// rulesOf[p] lists the rules that use pattern p.
	rulesOf [][]int
	norm    prefilter
	raw     prefilter
	// applies[surface][rule]
	applies map[ir.Surface][]bool
	// patternApplies[surface][pattern]: some rule using the pattern applies to the surface.
	patternApplies map[ir.Surface][]bool
	hasRaw         bool
}

// compiledPattern is one distinct string expression, shared by every rule that uses it.
type compiledPattern struct {
	expr     string
	re       *regexp.Regexp // the bounded expression
	ctx      *regexp.Regexp // `(?s:.)(expr)`: expr with one rune of left context
	minLen   int
	maxLen   int
	fullword bool
	raw      bool
	foldKS   bool
	// scanAll is true when no prefilter literal exists: every text is searched.
	scanAll bool
}

// prefilter is the literal automaton over one form of the text (normalized or raw).
type prefilter struct {
	matcher  *ahocorasick.Matcher
	literals []string
	// users[l] lists the patterns that need literal l.
	users        [][]int
	literalBytes [][]byte
	// scanAll lists the patterns of this form without literals.
	scanAll []int
	// foldKS lists the patterns whose literals need the hazard check (see form.hazard).
	foldKS []int
}

// Compile builds a database from a rule set.
func Compile(set *ir.RuleSet) (*Database, error) {
	db := &Database{
		rules:          set.Rules,
		applies:        map[ir.Surface][]bool{},
		patternApplies: map[ir.Surface][]bool{},
	}
	byKey := map[string]int{}
	normLits := map[string]int{}
	rawLits := map[string]int{}
	for ri, r := range set.Rules {
		if r.Cond == nil {
			return nil, fmt.Errorf("rule %s: no condition", r.ID)
		}
		idx := make([]int, len(r.Strings))
		for si, s := range r.Strings {
			key := fmt.Sprintf("%s\x00%d\x00%t\x00%t\x00%s", s.Expr, s.Window, s.Fullword, s.Raw, s.Fast)
			pi, ok := byKey[key]
			if !ok {
				p, lits, err := compilePattern(s)
				if err != nil {
					return nil, fmt.Errorf("rule %s: $%s: %w", r.ID, s.Name, err)
				}
				pi = len(db.patterns)
				byKey[key] = pi
				db.patterns = append(db.patterns, p)
				db.rulesOf = append(db.rulesOf, nil)
				pf, seen := &db.norm, normLits
				if p.raw {
					pf, seen = &db.raw, rawLits
					db.hasRaw = true
				}
				if p.scanAll {
					pf.scanAll = append(pf.scanAll, pi)
				} else if p.foldKS {
					pf.foldKS = append(pf.foldKS, pi)
				}
				for _, l := range lits {
					li, ok := seen[l]
					if !ok {
						li = len(pf.literals)
						seen[l] = li
						pf.literals = append(pf.literals, l)
						pf.users = append(pf.users, nil)
					}
					pf.users[li] = append(pf.users[li], pi)
				}
			}
			idx[si] = pi
			if n := len(db.rulesOf[pi]); n == 0 || db.rulesOf[pi][n-1] != ri {
				db.rulesOf[pi] = append(db.rulesOf[pi], ri)
			}
		}
		db.ruleStrings = append(db.ruleStrings, idx)
	}
	for _, pf := range []*prefilter{&db.norm, &db.raw} {
		if len(pf.literals) > 0 {
			pf.matcher = ahocorasick.NewStringMatcher(pf.literals)
		}
		for _, l := range pf.literals {
			pf.literalBytes = append(pf.literalBytes, []byte(l))
		}
	}
	for _, s := range append([]ir.Surface{ir.Text}, ir.ScopeNames...) {
		if s == ir.ScopeAny {
			continue
		}
		ra := make([]bool, len(db.rules))
		pa := make([]bool, len(db.patterns))
		for ri, r := range db.rules {
			if r.AppliesTo(s) {
				ra[ri] = true
				for _, pi := range db.ruleStrings[ri] {
					pa[pi] = true
				}
			}
		}
		db.applies[s] = ra
		db.patternApplies[s] = pa
	}
	return db, nil
}

func compilePattern(s *ir.String) (*compiledPattern, []string, error) {
	a, err := pattern.Analyze(s.Expr, s.Window, s.Fast)
	if err != nil {
		return nil, nil, err
	}
	re, err := regexp.Compile(a.Expr)
	if err != nil {
		return nil, nil, err
	}
	ctx, err := regexp.Compile(`(?s:.)(` + a.Expr + `)`)
	if err != nil {
		return nil, nil, err
	}
	p := &compiledPattern{
		expr: a.Expr, re: re, ctx: ctx, minLen: a.MinLen, maxLen: a.MaxLen,
		fullword: s.Fullword, raw: s.Raw, foldKS: a.FoldKS,
		scanAll: len(a.Literals) == 0,
	}
	return p, a.Literals, nil
}

// Rules returns the rules of the database, in rule-set order.
func (db *Database) Rules() []*ir.Rule { return db.rules }

// Rule returns the rule with the given id, or nil.
func (db *Database) Rule(id string) *ir.Rule {
	for _, r := range db.rules {
		if strings.EqualFold(r.ID, id) {
			return r
		}
	}
	return nil
}

// Stats describes the compiled database.
type Stats struct {
	Rules, Patterns, Literals, ScanAll int
}

// Stats returns counts of the compiled structures.
func (db *Database) Stats() Stats {
	return Stats{
		Rules:    len(db.rules),
		Patterns: len(db.patterns),
		Literals: len(db.norm.literals) + len(db.raw.literals),
		ScanAll:  len(db.norm.scanAll) + len(db.raw.scanAll),
	}
}
