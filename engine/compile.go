package engine

import (
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/oktsec/oktsec/engine/acmatch"
	"github.com/oktsec/oktsec/engine/hsmatch"
	"github.com/oktsec/oktsec/ir"
	"github.com/oktsec/oktsec/pattern"
)

// Database is a compiled rule set. It is immutable and safe for concurrent use.
type Database struct {
	rules    []*ir.Rule
	patterns []*compiledPattern
	// ruleStrings[r][i] is the pattern index of string i of rule r.
	ruleStrings [][]int
	// rulesOf[p] lists the rules that use pattern p.
	rulesOf [][]int
	// full holds the prefilters of every pattern, see fullPrefilter.
	full struct {
		once      sync.Once
		norm, raw prefilter
	}
	// applies[surface][rule]
	applies map[ir.Surface][]bool
	// patternApplies[surface][pattern]: some rule using the pattern applies to the surface.
	patternApplies map[ir.Surface][]bool
	hasRaw         bool
	// monotone[r]: rule r's condition can be decided as soon as it holds (ir.Monotone).
	monotone []bool
	// prefs[p] are the prefilters of pattern p.
	prefs [][]pattern.Prefilter
	// hs is set when the database uses the Vectorscan backend.
	hs *vectorscan
	// longest is the most bytes one match of any pattern can span.
	longest int
	// log receives the database's messages (Options.Logger).
	log *slog.Logger
}

// compiledPattern is one distinct string expression, shared by every rule that uses it.
type compiledPattern struct {
	expr string
	// rx holds the compiled forms of expr, built on first use.
	rx regexps
	// first holds the bytes a match can start with (nil: any).
	first    *pattern.ByteSet
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
	matcher  *acmatch.Automaton
	literals []string
	// users[l] lists the patterns that need literal l.
	users        [][]int
	literalBytes [][]byte
	// entries are the (pattern, prefilter) pairs; users[l] indexes them.
	entries []entry
	// scanAll lists the patterns of this form without literals.
	scanAll []int
	// foldKS lists the patterns whose literals need the hazard check (see form.hazard).
	foldKS []int
	// factors[f] lists the literal indexes of factor f.
	factors [][]int
	// maxLiteral is the length of the longest literal.
	maxLiteral int
}

// entry is one prefilter of one pattern: a literal found at h means a match may start in
// [h-off[1], h-off[0]], provided each secondary factor occurs in its own range too.
type entry struct {
	pattern int
	off     [2]int
	factors []patternFactor
	// branch, for one branch of several, confirms that the branch itself can match at a
	// candidate start before the whole expression is tried there.
	branch *regexps
	// boundary: a \b precedes the literal at the start of every match.
	boundary bool
	// maxLen bounds the length of a match of the branch.
	maxLen int
	// first holds the bytes a match of the branch can start with (nil: any).
	first *pattern.ByteSet
}

// patternFactor is a secondary literal set of a prefilter and where it starts in a match.
type patternFactor struct {
	factor int
	off    [2]int
}

// Compile builds a database from a rule set with the best backend this build has.
func Compile(set *ir.RuleSet) (*Database, error) { return CompileWith(set, Options{}) }

// CompileWith builds a database from a rule set with the given options.
func CompileWith(set *ir.RuleSet, opts Options) (*Database, error) {
	db := &Database{
		rules:          set.Rules,
		applies:        map[ir.Surface][]bool{},
		patternApplies: map[ir.Surface][]bool{},
		log:            opts.Logger,
	}
	if db.log == nil {
		db.log = discard
	}
	byKey := map[string]int{}
	var prefs [][]pattern.Prefilter // per pattern
	for ri, r := range set.Rules {
		if r.Cond == nil {
			return nil, fmt.Errorf("rule %s: no condition", r.ID)
		}
		idx := make([]int, len(r.Strings))
		for si, s := range r.Strings {
			key := fmt.Sprintf("%s\x00%d\x00%t\x00%t\x00%s", s.Expr, s.Window, s.Fullword, s.Raw, s.Fast)
			pi, ok := byKey[key]
			if !ok {
				p, pre, err := compilePattern(s)
				if err != nil {
					return nil, fmt.Errorf("rule %s: $%s: %w", r.ID, s.Name, err)
				}
				pi = len(db.patterns)
				byKey[key] = pi
				db.patterns = append(db.patterns, p)
				db.rulesOf = append(db.rulesOf, nil)
				prefs = append(prefs, pre)
				db.hasRaw = db.hasRaw || p.raw
			}
			idx[si] = pi
			if n := len(db.rulesOf[pi]); n == 0 || db.rulesOf[pi][n-1] != ri {
				db.rulesOf[pi] = append(db.rulesOf[pi], ri)
			}
		}
		db.ruleStrings = append(db.ruleStrings, idx)
		db.monotone = append(db.monotone, ir.Monotone(r.Cond))
	}
	db.prefs = prefs
	for _, p := range db.patterns {
		db.longest = max(db.longest, p.maxLen)
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
	if err := db.useBackend(opts); err != nil {
		return nil, err
	}
	if db.hs == nil {
		db.fullPrefilter(false) // the Go backend scans with it: build it now, not in a scan
	}
	return db, nil
}

// fullPrefilter returns the prefilter of every pattern matched on one text form (raw or
// normalized), building both forms' on first use. The Go backend scans with them; with
// Vectorscan they serve only when a Vectorscan scan fails, so a start-up does not pay for
// them (tens of milliseconds for the built-in set).
func (db *Database) fullPrefilter(raw bool) *prefilter {
	db.full.once.Do(func() {
		db.full.norm = db.buildPrefilter(db.formPatterns(false))
		db.full.raw = db.buildPrefilter(db.formPatterns(true))
	})
	if raw {
		return &db.full.raw
	}
	return &db.full.norm
}

// formPatterns returns the patterns matched on the raw text (raw) or the normalized text.
func (db *Database) formPatterns(raw bool) []int {
	var out []int
	for pi, p := range db.patterns {
		if p.raw == raw {
			out = append(out, pi)
		}
	}
	return out
}

// buildPrefilter builds the literal automaton and entries of the given patterns.
func (db *Database) buildPrefilter(patterns []int) prefilter {
	var pf prefilter
	seen := map[string]int{}
	intern := func(l string) int {
		li, ok := seen[l]
		if !ok {
			li = len(pf.literals)
			seen[l] = li
			pf.literals = append(pf.literals, l)
			pf.users = append(pf.users, nil)
		}
		return li
	}
	for _, pi := range patterns {
		p, prefs := db.patterns[pi], db.prefs[pi]
		if p.scanAll {
			pf.scanAll = append(pf.scanAll, pi)
		} else if p.foldKS {
			pf.foldKS = append(pf.foldKS, pi)
		}
		for _, pre := range prefs {
			e := entry{pattern: pi, off: pre.Offset, boundary: pre.LeadingBoundary, maxLen: p.maxLen, first: pre.First}
			if len(prefs) > 1 {
				e.branch = &regexps{expr: pre.Branch}
			}
			for _, f := range pre.Secondary {
				ids := make([]int, len(f.Literals))
				for i, l := range f.Literals {
					ids[i] = intern(l)
				}
				e.factors = append(e.factors, patternFactor{factor: len(pf.factors), off: f.Offset})
				pf.factors = append(pf.factors, ids)
			}
			ei := len(pf.entries)
			pf.entries = append(pf.entries, e)
			for _, l := range pre.Literals {
				li := intern(l)
				pf.users[li] = append(pf.users[li], ei)
			}
		}
	}
	for _, l := range pf.literals {
		pf.literalBytes = append(pf.literalBytes, []byte(l))
		pf.maxLiteral = max(pf.maxLiteral, len(l))
	}
	if len(pf.literals) > 0 {
		pf.matcher = acmatch.Build(pf.literalBytes)
	}
	return pf
}

// compilePattern analyses one string expression.
func compilePattern(s *ir.String) (*compiledPattern, []pattern.Prefilter, error) {
	a, err := pattern.Analyze(s.Expr, s.Window, s.Fast)
	if err != nil {
		return nil, nil, err
	}
	p := &compiledPattern{
		expr: a.Expr, rx: regexps{expr: a.Expr}, first: a.First,
		minLen: a.MinLen, maxLen: a.MaxLen,
		fullword: s.Fullword, raw: s.Raw, foldKS: a.FoldKS,
		scanAll: len(a.Prefilters) == 0,
	}
	return p, a.Prefilters, nil
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
	// States and Classes size the literal automaton's transition table.
	States, Classes int
	// LongestMatch is the most bytes one match can span: it sizes a stream's window.
	LongestMatch int
	// Vectorscan describes the Vectorscan databases, when the database uses them: patterns
	// held, of which compiled in prefilter mode, left to the Go prefilter, and bytes.
	Vectorscan struct{ Patterns, Prefiltered, Fallbacks, Bytes int }
}

// Stats returns counts of the compiled structures.
func (db *Database) Stats() Stats {
	norm, raw := db.fullPrefilter(false), db.fullPrefilter(true)
	st := Stats{
		Rules:        len(db.rules),
		Patterns:     len(db.patterns),
		Literals:     len(norm.literals) + len(raw.literals),
		ScanAll:      len(norm.scanAll) + len(raw.scanAll),
		LongestMatch: db.longest,
	}
	if db.hs != nil {
		for _, h := range []*hsmatch.Database{db.hs.norm, db.hs.raw} {
			if h == nil {
				continue
			}
			hst := h.Stats()
			st.Vectorscan.Patterns += hst.Patterns
			st.Vectorscan.Prefiltered += hst.Prefiltered
			st.Vectorscan.Fallbacks += hst.Fallbacks
			st.Vectorscan.Bytes += hst.BlockBytes
		}
	}
	for _, pf := range []*prefilter{norm, raw} {
		if pf.matcher != nil {
			st.States += pf.matcher.States()
			st.Classes = max(st.Classes, pf.matcher.Classes())
		}
	}
	return st
}
