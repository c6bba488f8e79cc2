package engine

import (
	"context"
	"fmt"
	"runtime"
	"sort"

	"github.com/oktsec/oktsec/engine/hsmatch"
	"github.com/oktsec/oktsec/ir"
	"github.com/oktsec/oktsec/normalize"
)

// LayerPlain is the layer of text found as is in the input (not decoded from an encoding).
const LayerPlain = "plain"

// Finding is one rule that fired on one unit of the input.
type Finding struct {
	Rule     string      `json:"rule"`
	Severity ir.Severity `json:"severity"`
	Category string      `json:"category"`
	Surface  ir.Surface  `json:"surface"`
	Layer    string      `json:"layer"`
	// Start and End are byte offsets into the original input.
	Start   int    `json:"start"`
	End     int    `json:"end"`
	Excerpt string `json:"excerpt"`
}

// Result is the outcome of scanning one input: what the rules found. What to do about it is
// package policy's to decide.
type Result struct {
	Findings []Finding `json:"findings"`
	// Notes report what was not scanned in full, such as encoded blobs beyond the decoding
	// budget.
	Notes []string `json:"notes,omitempty"`
}

// Max returns the strictest severity among the findings, and false when there are none.
func (r *Result) Max() (ir.Severity, bool) {
	if len(r.Findings) == 0 {
		return 0, false
	}
	max := r.Findings[0].Severity
	for _, f := range r.Findings[1:] {
		if f.Severity > max {
			max = f.Severity
		}
	}
	return max, true
}

// Scanner scans inputs with a database. It is safe for concurrent use.
type Scanner struct {
	db *Database
	// scratches keeps working memory between scans. A channel rather than a sync.Pool: the
	// per-literal tables are large, and a pool is emptied at every garbage collection.
	scratches chan *scratch
	reference bool
	limits    Limits
}

// Limits bound what a scanner holds for one input.
type Limits struct {
	// UnitBuffer is the longest text unit a stream scans whole; a longer one is scanned in a
	// window of the rule set's longest match (0: DefaultUnitBuffer). Findings are the same
	// either way; this trades memory for speed.
	UnitBuffer int
}

// DefaultUnitBuffer is the default Limits.UnitBuffer.
const DefaultUnitBuffer = 1 << 20

// WithLimits returns a scanner over the same database with other limits.
func (s *Scanner) WithLimits(l Limits) *Scanner {
	c := *s
	c.limits = l
	return &c
}

// Limits returns the scanner's limits as set (zero fields: defaults).
func (s *Scanner) Limits() Limits { return s.limits }

func (s *Scanner) unitBuffer() int {
	if s.limits.UnitBuffer > 0 {
		return s.limits.UnitBuffer
	}
	return DefaultUnitBuffer
}

// NewScanner returns a scanner over db.
func NewScanner(db *Database) *Scanner {
	s := &Scanner{db: db}
	s.scratches = make(chan *scratch, 4*runtime.GOMAXPROCS(0))
	return s
}

// Database returns the scanner's database.
func (s *Scanner) Database() *Database { return s.db }

func (s *Scanner) getScratch() *scratch {
	select {
	case sc := <-s.scratches:
		return sc
	default:
		return &scratch{}
	}
}

func (s *Scanner) putScratch(sc *scratch) {
	select {
	case s.scratches <- sc:
	default: // enough are kept; this one is dropped
	}
}

// scratch is per-scan working memory, reused between scans.
type scratch struct {
	cand      candidates
	lits      literalIndex
	matches   []matchList
	touched   []int
	lowerNorm []byte
	lowerRaw  []byte
	hazards   []int
	ruleSeen  []uint32
	computed  []uint32
	gen       uint32
	rules     []int
	hits      []hsmatch.Hit
}

func (sc *scratch) reset(db *Database) {
	n := len(db.patterns)
	sc.cand.reset(n)
	if cap(sc.matches) < n {
		sc.matches = make([]matchList, n)
	}
	sc.matches = sc.matches[:n]
	for _, p := range sc.touched {
		sc.matches[p].count = 0
		sc.matches[p].list = sc.matches[p].list[:0]
	}
	sc.touched = sc.touched[:0]
	if len(sc.ruleSeen) < len(db.rules) {
		sc.ruleSeen = make([]uint32, len(db.rules))
	}
	if len(sc.computed) < n {
		sc.computed = make([]uint32, n)
	}
	sc.gen++
	if sc.gen == 0 {
		clear(sc.ruleSeen)
		clear(sc.computed)
		sc.gen = 1
	}
	sc.rules = sc.rules[:0]
}

// finish sorts the findings.
func (r *Result) finish() {
	sort.SliceStable(r.Findings, func(i, j int) bool {
		a, b := r.Findings[i], r.Findings[j]
		switch {
		case a.Start != b.Start:
			return a.Start < b.Start
		case a.End != b.End:
			return a.End < b.End
		case a.Rule != b.Rule:
			return a.Rule < b.Rule
		case a.Layer != b.Layer:
			return a.Layer < b.Layer
		case a.Surface != b.Surface:
			return a.Surface < b.Surface
		}
		return a.Excerpt < b.Excerpt
	})
}

// ScanUnits scans the units of one message (or document) and returns their findings, with
// offsets in the caller's input (each unit's Offset added). The units share one decoding
// budget (MaxDecodedBytes, MaxDecodedBlobs). A done ctx stops the scan with an error: a
// partial result is never returned.
func (s *Scanner) ScanUnits(ctx context.Context, units []Unit) (*Result, error) {
	res := &Result{Findings: []Finding{}}
	sc := s.getScratch()
	defer s.putScratch(sc)
	budget := newDecodeBudget()
	for i := range units {
		u := &units[i]
		if err := u.check(); err != nil {
			return nil, err
		}
		src := u.Text
		iu := unit{surface: u.Surface, text: u.Text, layer: LayerPlain}
		if u.Escaped != nil {
			src, iu.escaped = u.Escaped, u.Escaped
		}
		first := len(res.Findings)
		if err := s.scanTree(ctx, sc, src, &iu, budget, res); err != nil {
			return nil, err
		}
		shiftFindings(res, first, u.Offset)
	}
	res.finish()
	return res, nil
}

// ScanText scans a whole text as one unit of the surface ir.Text, to which every rule applies.
func (s *Scanner) ScanText(ctx context.Context, text []byte) (*Result, error) {
	return s.ScanUnits(ctx, []Unit{{Surface: ir.Text, Text: text}})
}

// ctxErr wraps the error of a done context.
func ctxErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("scan stopped before its end: %w", err)
	}
	return nil
}

// shiftFindings moves the findings from index first on by delta bytes.
func shiftFindings(res *Result, first, delta int) {
	for i := first; i < len(res.Findings); i++ {
		res.Findings[i].Start += delta
		res.Findings[i].End += delta
	}
}

func (s *Scanner) scanUnit(sc *scratch, input []byte, u *unit, res *Result) {
	db := s.db
	sc.reset(db)
	applies := db.patternApplies[u.surface]
	ascii := normalize.IsASCII(u.text)
	normText, chain := u.text, normalize.Chain(nil)
	if !ascii {
		normText, chain = normalize.Text(u.text)
	}
	v := &unitView{db: db, sc: sc, unit: u, toText: chain, input: input, normText: normText, reference: s.reference}
	if s.reference {
		for p := range db.patterns {
			if applies[p] {
				sc.cand.add(p, span{0, 0}) // marks the pattern as a candidate
			}
		}
	} else {
		s.collectForm(sc, false, normText, ascii, applies)
		if db.hasRaw {
			s.collectForm(sc, true, u.text, ascii, applies)
		}
	}
	if len(sc.cand.touched) == 0 {
		return
	}
	// Rules that use a pattern with candidates and apply to this surface. Their conditions
	// are evaluated lazily: a pattern's matches are confirmed only when a condition asks.
	ruleApplies := db.applies[u.surface]
	for _, p := range sc.cand.touched {
		for _, r := range db.rulesOf[p] {
			if ruleApplies[r] && sc.ruleSeen[r] != sc.gen {
				sc.ruleSeen[r] = sc.gen
				sc.rules = append(sc.rules, r)
			}
		}
	}
	sort.Ints(sc.rules)
	v.evaluate(sc.rules, res, func(start, end int) []byte { return input[start:min(end, start+excerptBytes)] })
}

// evaluate evaluates the given rules on the unit and adds a finding for each that holds.
// bytesOf returns the input bytes of a finding's range (at least its first excerptBytes).
func (v *unitView) evaluate(rules []int, res *Result, bytesOf func(start, end int) []byte) {
	for _, r := range rules {
		v.rule = r
		rule := v.db.rules[r]
		if !ir.Eval(rule.Cond, v) {
			continue
		}
		res.Findings = append(res.Findings, v.finding(bytesOf))
	}
}

// finding returns the finding of the current rule, which holds.
func (v *unitView) finding(bytesOf func(start, end int) []byte) Finding {
	rule := v.db.rules[v.rule]
	start, end := v.witness()
	return Finding{
		Rule: rule.ID, Severity: rule.Severity, Category: rule.Category,
		Surface: v.unit.surface, Layer: v.unit.layer, Start: start, End: end,
		Excerpt: excerpt(bytesOf(start, end), rule.Secret),
	}
}

// collectForm records the candidate ranges of one form of a unit's text (raw or normalized):
// Vectorscan's hits when the database uses it, and the prefilter's candidates for the patterns
// it does not hold. Should Vectorscan fail, the whole prefilter runs instead: content is never
// left unscanned.
func (s *Scanner) collectForm(sc *scratch, raw bool, text []byte, ascii bool, applies []bool) {
	db := s.db
	hdb, pf := db.formBackend(raw)
	if hdb != nil {
		var err error
		sc.hits, err = hdb.Scan(text, sc.hits[:0])
		if err != nil {
			db.log.Error("vectorscan scan failed; using the go prefilter", "err", err)
			pf = db.fullPrefilter(raw)
		} else {
			db.hitRanges(sc.hits, applies, &sc.cand)
		}
	}
	if pf.empty() {
		return
	}
	lower := &sc.lowerNorm
	if raw {
		lower = &sc.lowerRaw
	}
	f := newForm(text, *lower, sc.hazards, ascii)
	*lower, sc.hazards = f.lower, f.hazards
	db.collect(pf, &f, applies, &sc.cand, &sc.lits)
}

// unitView is the state of one unit while its rules are evaluated.
type unitView struct {
	db        *Database
	sc        *scratch
	rule      int
	unit      *unit
	normText  []byte
	toText    normalize.Chain // normalized → decoded text
	input     []byte
	reference bool
	// streamed: the unit was scanned by a stream, which recorded each match's input offsets
	// (match.in) as it found it and filled the match lists up front.
	streamed bool
}

// compute confirms the matches of pattern p in this unit, once.
func (v *unitView) compute(p int) *matchList {
	sc := v.sc
	ml := &sc.matches[p]
	if sc.computed[p] == sc.gen {
		return ml
	}
	sc.computed[p] = sc.gen
	sc.touched = append(sc.touched, p)
	cp := v.db.patterns[p]
	text := v.normText
	if cp.raw {
		text = v.unit.text
	}
	switch ranges := sc.cand.ranges[p]; {
	case len(ranges) == 0:
	case v.reference:
		cp.referenceMatches(text, ml)
	default:
		cp.findAll(text, ranges, ml)
	}
	for j := range ml.list {
		m := &ml.list[j]
		m.norm = m.span
		if cp.raw && v.toText != nil {
			m.norm = span{v.toText.Inverse(m.start), v.toText.Inverse(m.end)}
		}
	}
	return ml
}

func (v *unitView) list(s int) *matchList {
	return v.compute(v.db.ruleStrings[v.rule][s])
}

// Count implements ir.Matches.
func (v *unitView) Count(s int) int { return v.list(s).count }

// Offset implements ir.Matches: the normalized offset of the i-th match.
func (v *unitView) Offset(s, i int) (int, bool) {
	l := v.list(s)
	if i < 1 || i > len(l.list) {
		return 0, false
	}
	return l.list[i-1].norm.start, true
}

// Near implements ir.Matches.
func (v *unitView) Near(a, b, within int, before bool) bool {
	as := v.list(a).list
	if len(as) == 0 {
		return false
	}
	bs := v.list(b).list
	for _, x := range as {
		if before {
			j := sort.Search(len(bs), func(j int) bool { return bs[j].norm.start >= x.norm.end })
			if j < len(bs) && bs[j].norm.start-x.norm.end <= within {
				return true
			}
			continue
		}
		j := sort.Search(len(bs), func(j int) bool { return bs[j].norm.end >= x.norm.start-within })
		if j < len(bs) && bs[j].norm.start <= x.norm.end+within {
			return true
		}
	}
	return false
}

// witness returns the input range a finding points at: from the first match of the strings
// that made the condition true (see ir.Witnesses) to the end of the last of their first
// matches, public strings preferred over private ones.
func (v *unitView) witness() (int, int) {
	rule := v.db.rules[v.rule]
	strs := ir.Witnesses(rule.Cond, v)
	for _, wantPrivate := range []bool{false, true} {
		start, end, found := 0, 0, false
		for _, si := range strs {
			if rule.Strings[si].Private != wantPrivate {
				continue
			}
			l := v.list(si)
			if len(l.list) == 0 {
				continue
			}
			ms, me := v.toInput(&l.list[0], v.db.patterns[v.db.ruleStrings[v.rule][si]].raw)
			if !found || ms < start {
				start = ms
			}
			if !found || me > end {
				end = me
			}
			found = true
		}
		if found {
			return start, end
		}
	}
	// Only reachable for conditions without matches, which the compiler rejects.
	u := v.unit
	chain := u.inputChain()
	return u.base + chain.Start(0), u.base + chain.End(len(u.text))
}

// toInput maps a match range to input offsets.
func (v *unitView) toInput(m *match, raw bool) (int, int) {
	if v.streamed {
		return m.in.start, m.in.end
	}
	s, e := m.start, m.end
	if !raw && v.toText != nil {
		s, e = v.toText.Start(s), v.toText.End(e)
	}
	u := v.unit
	chain := u.inputChain()
	return u.base + chain.Start(s), u.base + chain.End(e)
}
