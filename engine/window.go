package engine

import (
	"context"
	"sort"

	"github.com/oktsec/oktsec/engine/decode"
	"github.com/oktsec/oktsec/engine/hsmatch"
	"github.com/oktsec/oktsec/ir"
	"github.com/oktsec/oktsec/normalize"
	"github.com/oktsec/oktsec/pattern"
)

// A window scan finds in a text unit that arrives in pieces exactly the matches a whole scan
// finds, holding only a window of the text:
//
//   - The text is normalized as it comes (normalize.Stream) and folded; the literal automaton
//     carries its state from piece to piece, so occurrences are found across any cut.
//   - An occurrence at h gives its candidate ranges once the text up to h plus the longest
//     match is in (the factor checks look that far ahead).
//   - Every range that starts at or before settled = done - longest match is then known, and
//     ranges are confirmed in order of their starts, continuing each pattern's leftmost-first
//     chain: a match starting in a range needs no text beyond the range end plus the longest
//     match, so the confirmation sees what a whole scan sees.
//   - Matches are kept as a whole scan keeps them (count, the first maxStoredMatches), with
//     their input offsets; the first match of each pattern keeps the input bytes its excerpt
//     needs. Conditions are evaluated on them when the unit ends; monotone ones as soon as
//     they hold, for early decisions.
//   - Runs of encoding characters are held until they end (at most MaxEncodedRun bytes) and
//     their blobs are scanned whole, as layers.
//
// Memory is bounded by the window (about twice the longest match), the open run, and the
// stored matches, whatever the length of the unit.

// excerptBytes is the part of a finding's range its excerpt is made from: maxExcerpt runes.
const excerptBytes = maxExcerpt * 4

// textWindow holds a window of a text: buf is text[off:off+len(buf)].
type textWindow struct {
	buf []byte
	off int
}

func (w *textWindow) end() int { return w.off + len(w.buf) }

// trim drops the text before offset to, moving what is kept only when that halves the buffer.
func (w *textWindow) trim(to int) {
	to = min(to, w.end())
	n := to - w.off
	if n <= 0 || n < len(w.buf)/2 {
		return
	}
	w.buf = append(w.buf[:0], w.buf[n:]...)
	w.off = to
}

// formScan runs the prefilter of one text form (normalized or raw) over a window.
type formScan struct {
	pf    *prefilter
	text  *textWindow
	state int32
	x     literalIndex
	// hazards holds the offsets of rare fold forms not yet turned into ranges.
	hazards []int
	// done: occurrences that start before it have given their ranges.
	done int
	// folded counts the text bytes folded and run through the automaton.
	folded int
	// trimmed is where occurrences were last dropped from the front of the position lists.
	trimmed int
	tmp     []byte
	hz      []int
	// hs is the Vectorscan database of the form, when the database uses Vectorscan; the text
	// before hsDone has been scanned with it.
	hs     *hsmatch.Database
	hsDone int
	hits   []hsmatch.Hit
	// held lists the patterns hs holds (those it did not leave to the prefilter).
	held []int
}

func (f *formScan) init(pf *prefilter, text *textWindow, x literalIndex) {
	for _, l := range x.found {
		x.litPos[l] = x.litPos[l][:0]
	}
	f.pf, f.text, f.x = pf, text, x
	f.x.pf = pf
	if n := len(pf.literals); len(f.x.litPos) < n {
		f.x.litPos = make([][]int, n)
	}
	f.x.found = f.x.found[:0]
}

// feed folds the text from f.folded up to end and runs the automaton over it.
func (f *formScan) feed(end int) {
	if end <= f.folded {
		return
	}
	text := f.text.buf[f.folded-f.text.off : end-f.text.off]
	f.tmp, f.hz = pattern.FoldText(f.tmp, text, f.hz[:0])
	for _, h := range f.hz {
		f.hazards = append(f.hazards, f.folded+h)
	}
	if f.pf.matcher != nil {
		f.state, f.x.found = f.pf.matcher.Scan(f.state, f.tmp, f.folded, f.x.litPos, f.x.found)
	}
	f.folded = end
}

// unitStream scans one text unit in a window (see above).
type unitStream struct {
	ctx    context.Context
	s      *Scanner
	db     *Database
	sc     *scratch
	base   int // input offset of the unit's first byte
	budget *decodeBudget
	res    *Result

	applies, ruleApplies []bool
	normer               normalize.Stream
	raw, norm            textWindow
	forms                []*formScan // norm, then raw when the rule set has raw strings
	normForm, rawForm    formScan

	// lag is how far behind the text occurrences are turned into ranges; longest bounds a match.
	lag, longest int
	pending      []int // patterns with ranges not yet confirmed
	isPending    []bool
	pos          []int    // per pattern: where its chain goes on
	snap         [][]byte // per pattern: input bytes from its first match on
	snapOpen     []int    // patterns whose snapshot still grows
	fired        []bool   // per rule: fired early
	view         unitView // the unit's match lists, as conditions see them
	early        []Finding

	// Runs of encoding characters (blob candidates).
	decoding bool // blobs are still decoded in this unit
	runStart int  // raw offset of the open run, or -1
	longRun  bool // the open run passed MaxEncodedRun
	closed   bool
	// err is set when the scan cannot go on (its context is done); the stream's result is
	// then an error.
	err error
}

// fail records the first error that stops the unit's scan.
func (us *unitStream) fail(err error) {
	if us.err == nil {
		us.err = err
	}
}

func (s *Scanner) newUnitStream(ctx context.Context, base int, budget *decodeBudget, res *Result) *unitStream {
	db := s.db
	us := &unitStream{
		ctx: ctx, s: s, db: db, sc: s.getScratch(), base: base, budget: budget, res: res,
		applies: db.patternApplies[ir.Text], ruleApplies: db.applies[ir.Text],
		decoding: true, runStart: -1,
	}
	sc := us.sc
	sc.reset(db)
	n := len(db.patterns)
	for p := 0; p < n; p++ {
		sc.computed[p] = sc.gen // the match lists are filled as the text comes
	}
	sc.touched = sc.touched[:0]
	us.isPending = make([]bool, n)
	us.pos = make([]int, n)
	us.snap = make([][]byte, n)
	us.fired = make([]bool, len(db.rules))
	us.initForm(&us.normForm, false, &us.norm, sc.lits)
	us.forms = append(us.forms, &us.normForm)
	if db.hasRaw {
		us.initForm(&us.rawForm, true, &us.raw, literalIndex{})
		us.forms = append(us.forms, &us.rawForm)
	}
	maxLit := 0
	for _, f := range us.forms {
		maxLit = max(maxLit, f.pf.maxLiteral)
	}
	us.longest = db.longest
	us.lag = us.longest + max(maxLit, 4) + 8
	us.view = unitView{db: db, sc: sc, unit: &unit{surface: ir.Text, layer: LayerPlain, base: base}, streamed: true}
	return us
}

// initForm sets up the scan of one form: Vectorscan and the prefilter of the patterns it does
// not hold, or the whole prefilter.
func (us *unitStream) initForm(f *formScan, raw bool, text *textWindow, x literalIndex) {
	hdb, pf := us.db.formBackend(raw)
	f.hs = hdb
	if hdb != nil {
		f.held = us.db.heldPatterns(raw)
	}
	f.init(pf, text, x)
}

// minHSStep is the least new text a Vectorscan scan of a window waits for; the step is also at
// least twice the longest match, so the overlap of successive scans stays under a third.
const minHSStep = 4 << 10

// feed runs a form's scans over its text up to end.
//
// Vectorscan scans the window in block mode, each scan starting the longest match before the
// text not yet scanned, so every match that ends in the new text lies whole in the scanned
// bytes. (Its stream mode would carry state instead, but Debian's 5.4.9 loses matches that span
// two writes in stream mode.)
func (us *unitStream) feed(f *formScan, end int) {
	if f.hs != nil && end > f.hsDone && (us.closed || end-f.hsDone >= max(minHSStep, 2*us.longest)) {
		from := max(f.text.off, f.hsDone-us.longest)
		var err error
		f.hits, err = f.hs.Scan(f.text.buf[from-f.text.off:end-f.text.off], f.hits[:0])
		if err != nil {
			// Every match of the database's patterns that ends in the new text becomes a
			// candidate, confirmed in Go: slower for this step, never unscanned.
			us.db.log.Error("vectorscan scan failed; confirming the window in go", "err", err)
			us.db.allRanges(f.held, f.hsDone, end, us.applies, &us.sc.cand)
			f.hsDone = end
			f.feed(end)
			return
		}
		hits := f.hits[:0]
		for _, h := range f.hits {
			if h.End += from; h.End > f.hsDone {
				hits = append(hits, h)
			}
		}
		us.db.hitRanges(hits, us.applies, &us.sc.cand)
		f.hsDone = end
	}
	f.feed(end)
}

// write adds the next piece of the unit's text.
func (us *unitStream) write(p []byte) {
	us.trackRuns(p)
	us.raw.buf = append(us.raw.buf, p...)
	us.norm.buf = us.normer.Write(us.norm.buf, p)
	us.feed(&us.normForm, us.norm.end())
	if us.db.hasRaw {
		// Fold whole runes only: a rune cut by the piece's end folds with its rest.
		us.feed(&us.rawForm, us.raw.off+normalize.CompleteRunes(us.raw.buf))
	}
	us.advance(false)
}

// trackRuns follows the runs of encoding characters in the raw text; a run that ends is
// decoded and its blobs scanned.
func (us *unitStream) trackRuns(p []byte) {
	if !us.decoding {
		return
	}
	at := us.raw.end()
	for i, c := range p {
		if decode.InRun(c) {
			if us.runStart < 0 && !us.longRun {
				us.runStart = at + i
			}
			continue
		}
		if us.runStart >= 0 {
			// The run's bytes before this piece are in the window; the rest is in p.
			us.endRun(at+i, p[:i])
			if !us.decoding {
				return
			}
		}
		us.longRun = false
	}
	if us.runStart >= 0 && at+len(p)-us.runStart > MaxEncodedRun {
		if us.budget.exhausted() {
			// blobsOf would stop decoding at the run's end: stop now.
			us.decoding, us.runStart = false, -1
			return
		}
		us.budget.note(us.res, noteLongRun)
		us.runStart, us.longRun = -1, true
	}
}

// endRun decodes the run from us.runStart to end; tail holds its bytes not yet in the window.
func (us *unitStream) endRun(end int, tail []byte) {
	start := us.runStart
	us.runStart = -1
	if end-start < decode.MinRun && !us.budget.exhausted() {
		return // too short for a blob: blobsOf would return nothing and go on
	}
	var run []byte
	if start >= us.raw.end() {
		run = tail[start-us.raw.end():]
	} else {
		run = append(append([]byte(nil), us.raw.buf[start-us.raw.off:]...), tail...)
	}
	run = run[:end-start]
	parent := unit{surface: ir.Text, layer: LayerPlain}
	children, more := us.budget.blobsOf(&parent, run, 0, us.res)
	us.decoding = more
	if len(children) == 0 {
		return
	}
	sc := us.s.getScratch()
	defer us.s.putScratch(sc)
	first := len(us.res.Findings)
	for i := range children {
		if err := us.s.scanTree(us.ctx, sc, run, &children[i], us.budget, us.res); err != nil {
			us.fail(err)
			return
		}
	}
	shiftFindings(us.res, first, us.base+start)
}

// settledIn returns the offset of form f before which every candidate range is known.
func (us *unitStream) settledIn(f *formScan) int {
	if us.closed {
		return f.text.end() + 1
	}
	return f.done - us.longest - 1
}

// advanceStep is the least progress of the text that makes a step of advance worth it.
const advanceStep = 4 << 10

// advance turns occurrences into ranges and confirms the ranges that are settled.
func (us *unitStream) advance(final bool) {
	db := us.db
	cand := &us.sc.cand
	moved := final
	for _, f := range us.forms {
		h := f.folded - us.lag
		if f.hs != nil {
			h = min(h, f.hsDone) // Vectorscan has not seen the text after hsDone
		}
		if final {
			h = f.folded + 1
		}
		// Small writes are batched: the per-step work does not depend on how much text came.
		if h <= f.done || !final && h-f.done < advanceStep {
			continue
		}
		moved = true
		text := f.text.buf
		for _, li := range f.x.found {
			pos := f.x.litPos[li]
			i := sort.SearchInts(pos, f.done)
			j := i + sort.SearchInts(pos[i:], h)
			if i < j {
				db.literalRanges(f.pf, text, f.text.off, &f.x, li, pos[i:j], us.applies, cand)
			}
		}
		k := sort.SearchInts(f.hazards, h)
		if k > 0 {
			for _, p := range f.pf.foldKS {
				db.hazardRanges(p, f.hazards[:k], us.applies, cand)
			}
			f.hazards = append(f.hazards[:0], f.hazards[k:]...)
		}
		for _, p := range f.pf.scanAll {
			if us.applies[p] && f.done < f.folded {
				cand.add(p, span{f.done, min(h, f.folded) - 1})
			}
		}
		f.done = min(h, f.folded)
	}
	if !moved {
		return
	}
	for _, p := range cand.touched {
		if len(cand.ranges[p]) > 0 && !us.isPending[p] {
			us.isPending[p] = true
			us.pending = append(us.pending, p)
		}
	}
	cand.touched = cand.touched[:0]
	kept := us.pending[:0]
	for _, p := range us.pending {
		if us.confirm(p) {
			kept = append(kept, p)
		} else {
			us.isPending[p] = false
		}
	}
	us.pending = kept
	us.fillSnapshots(final)
	if !final {
		us.trim()
	}
}

// confirm confirms the settled ranges of pattern p; it reports whether ranges remain.
func (us *unitStream) confirm(p int) bool {
	cp := us.db.patterns[p]
	f := &us.normForm
	if cp.raw {
		f = &us.rawForm
	}
	settled := us.settledIn(f)
	ranges := us.sc.cand.ranges[p]
	sortRanges(ranges)
	ml := &us.sc.matches[p]
	before := ml.count
	stored := len(ml.list)
	i := 0
	for i < len(ranges) && ranges[i].start <= settled {
		r := ranges[i]
		for i++; i < len(ranges) && ranges[i].start <= r.end+1; i++ {
			r.end = max(r.end, ranges[i].end)
		}
		cp.chain(f.text.buf, f.text.off, r, &us.pos[p], ml)
	}
	us.sc.cand.ranges[p] = append(ranges[:0], ranges[i:]...)
	if ml.count > before {
		us.located(p, cp, ml.list[stored:])
		us.decideEarly(p)
	}
	return len(us.sc.cand.ranges[p]) > 0
}

// located records the normalized and input offsets of new matches of pattern p.
func (us *unitStream) located(p int, cp *compiledPattern, ms []match) {
	chain := us.normer.Chain()
	for i := range ms {
		m := &ms[i]
		if cp.raw {
			m.norm = span{chain.Inverse(m.start), chain.Inverse(m.end)}
			m.in = span{us.base + m.start, us.base + m.end}
		} else {
			m.norm = m.span
			m.in = span{us.base + chain.Start(m.start), us.base + chain.End(m.end)}
		}
	}
	if len(ms) > 0 && us.snap[p] == nil && len(us.sc.matches[p].list) == len(ms) {
		us.snap[p] = make([]byte, 0, excerptBytes)
		us.snapOpen = append(us.snapOpen, p)
	}
}

// fillSnapshots copies input bytes into the snapshots still growing.
func (us *unitStream) fillSnapshots(final bool) {
	kept := us.snapOpen[:0]
	for _, p := range us.snapOpen {
		start := us.sc.matches[p].list[0].in.start - us.base
		have := len(us.snap[p])
		to := min(start+excerptBytes, us.raw.end())
		if from := start + have; from < to {
			us.snap[p] = append(us.snap[p], us.raw.buf[from-us.raw.off:to-us.raw.off]...)
		}
		if len(us.snap[p]) < excerptBytes && !final {
			kept = append(kept, p)
		}
	}
	us.snapOpen = kept
}

// decideEarly evaluates the monotone rules of pattern p that have not fired yet.
func (us *unitStream) decideEarly(p int) {
	v := &us.view
	for _, r := range us.db.rulesOf[p] {
		if us.fired[r] || !us.ruleApplies[r] || !us.db.monotone[r] {
			continue
		}
		v.rule = r
		if ir.Eval(us.db.rules[r].Cond, v) {
			us.fired[r] = true
			us.early = append(us.early, v.finding(us.bytesOf))
		}
	}
}

// bytesOf returns the input bytes of a finding's range as far as its excerpt needs them: the
// range starts at the first match of some pattern, whose snapshot holds them.
func (us *unitStream) bytesOf(start, end int) []byte {
	for p, sn := range us.snap {
		if sn != nil && us.sc.matches[p].list[0].in.start == start {
			return sn[:min(len(sn), end-start)]
		}
	}
	return nil
}

// trim drops the text, maps and occurrences no range can need any more.
func (us *unitStream) trim() {
	const margin = 16
	need := func(f *formScan) int {
		keep := f.done - us.longest
		if f.hs != nil {
			keep = min(keep, f.hsDone-us.longest)
		}
		for _, p := range us.pending {
			if us.db.patterns[p].raw == (f == &us.rawForm) {
				for _, r := range us.sc.cand.ranges[p] {
					keep = min(keep, r.start)
				}
			}
		}
		return keep - margin
	}
	normKeep := need(&us.normForm)
	rawKeep := us.raw.end()
	if us.db.hasRaw {
		rawKeep = need(&us.rawForm)
	}
	mapRaw := min(rawKeep, us.normer.Chain().Start(max(0, normKeep)))
	if normKeep > 0 && mapRaw > 0 {
		us.normer.Forget(min(normKeep, us.normer.Chain().Inverse(mapRaw)), mapRaw)
	}
	// Matches still to be confirmed take their excerpt bytes from the raw text.
	rawKeep = min(rawKeep, mapRaw)
	for _, p := range us.snapOpen {
		rawKeep = min(rawKeep, us.sc.matches[p].list[0].in.start-us.base)
	}
	if us.runStart >= 0 {
		rawKeep = min(rawKeep, us.runStart)
	}
	for _, f := range us.forms {
		keep := normKeep
		if f == &us.rawForm {
			keep = rawKeep
		}
		// Occurrences before the window are dropped once enough of them piled up.
		if keep-f.trimmed >= max(advanceStep, us.longest) {
			f.trimmed = keep
			for _, li := range f.x.found {
				pos := f.x.litPos[li]
				// A list is never emptied: the automaton lists a literal in found
				// when its list is empty, and it is listed already.
				if i := min(sort.SearchInts(pos, keep-us.longest), len(pos)-1); i > 0 {
					f.x.litPos[li] = append(pos[:0], pos[i:]...)
				}
			}
		}
	}
	us.norm.trim(normKeep)
	us.raw.trim(min(rawKeep, us.raw.end()-margin))
}

// settled returns the input offset before which every match is known and the monotone rules
// have been evaluated; content in an open run is not settled until the run is decoded.
func (us *unitStream) settled() int {
	s := us.base + us.normer.Chain().Start(max(0, us.normForm.done-us.longest))
	if us.db.hasRaw {
		s = min(s, us.base+max(0, us.rawForm.done-us.longest))
	}
	if us.runStart >= 0 {
		s = min(s, us.base+us.runStart)
	}
	return s
}

// close ends the unit: the rest is normalized and confirmed, and every rule evaluated.
func (us *unitStream) close() {
	us.closed = true
	us.norm.buf = us.normer.Close(us.norm.buf)
	us.feed(&us.normForm, us.norm.end())
	if us.db.hasRaw {
		us.feed(&us.rawForm, us.raw.end())
	}
	if us.runStart >= 0 && us.decoding {
		us.endRun(us.raw.end(), nil)
	}
	us.advance(true)
	sc := us.sc
	var rules []int
	for p := range sc.matches {
		if sc.matches[p].count == 0 {
			continue
		}
		for _, r := range us.db.rulesOf[p] {
			if us.ruleApplies[r] && sc.ruleSeen[r] != sc.gen {
				sc.ruleSeen[r] = sc.gen
				rules = append(rules, r)
			}
		}
	}
	sort.Ints(rules)
	us.view.evaluate(rules, us.res, us.bytesOf)
	// The match lists go back to the scratch's reuse bookkeeping.
	for p := range sc.matches {
		if sc.matches[p].count > 0 {
			sc.touched = append(sc.touched, p)
		}
	}
	sc.lits = us.normForm.x
	us.s.putScratch(sc)
	us.sc = nil
}
