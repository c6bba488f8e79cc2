package engine

import (
	"sort"
	"unicode"
	"unicode/utf8"

	"github.com/oktsec/oktsec/normalize"
	"github.com/oktsec/oktsec/pattern"
)

// maxStoredMatches bounds the matches kept per pattern and unit; counts stay exact beyond it.
const maxStoredMatches = 4096

// span is a half-open byte range.
type span struct{ start, end int }

// match is one match of a pattern: its range in the text form it was found in (raw or
// normalized) and in normalized coordinates, where conditions measure distances.
type match struct {
	span
	norm span
	// in is the match's range in the input, recorded by streams (see unitView.toInput).
	in span
}

// matchList holds the matches of one pattern in one unit.
type matchList struct {
	count int
	list  []match
}

// form is one form of a unit's text: normalized, or raw (before normalization).
type form struct {
	text  []byte
	lower []byte
	// hazards are the offsets of runes whose case variants differ in length (U+212A KELVIN
	// SIGN for k, U+017F LONG S for s): a case-insensitive pattern whose literals hold such
	// letters may match around them without its literal occurring.
	hazards []int
}

func newForm(text, lowerBuf []byte, hazardBuf []int, ascii bool) form {
	f := form{text: text}
	if ascii {
		f.lower = normalize.LowerASCII(lowerBuf, text)
	} else {
		f.lower, f.hazards = pattern.FoldText(lowerBuf, text, hazardBuf[:0])
	}
	return f
}

// candidates collects, per pattern, the ranges in which a match may start.
type candidates struct {
	ranges  [][]span
	touched []int
}

func (c *candidates) reset(n int) {
	if cap(c.ranges) < n {
		c.ranges = make([][]span, n)
	}
	c.ranges = c.ranges[:n]
	for _, p := range c.touched {
		c.ranges[p] = c.ranges[p][:0]
	}
	c.touched = c.touched[:0]
}

func (c *candidates) add(p int, r span) {
	if len(c.ranges[p]) == 0 {
		c.touched = append(c.touched, p)
	}
	c.ranges[p] = append(c.ranges[p], r)
}

// literalIndex holds, for one text, where the prefilter's literals and factors occur.
type literalIndex struct {
	pf     *prefilter
	litPos [][]int // start offsets of each literal, filled by one automaton pass
	found  []int   // literals with at least one position
}

// scan runs the automaton of pf over the folded text.
func (x *literalIndex) scan(pf *prefilter, lower []byte) {
	for _, l := range x.found {
		x.litPos[l] = x.litPos[l][:0]
	}
	x.pf = pf
	if n := len(pf.literals); len(x.litPos) < n {
		x.litPos = make([][]int, n)
	}
	_, x.found = pf.matcher.Scan(0, lower, 0, x.litPos, x.found[:0])
}

// positions returns the sorted start offsets of literal l.
func (x *literalIndex) positions(l int) []int { return x.litPos[l] }

// factorIn reports whether some literal of factor f starts in [lo, hi].
func (x *literalIndex) factorIn(f, lo, hi int) bool {
	for _, l := range x.pf.factors[f] {
		if anyIn(x.litPos[l], lo, hi) {
			return true
		}
	}
	return false
}

// asciiBoundary reports whether \b (Go's ASCII word boundary) holds at offset i.
func asciiBoundary(text []byte, i int) bool {
	before := i > 0 && isASCIIWord(text[i-1])
	after := i < len(text) && isASCIIWord(text[i])
	return before != after
}

func isASCIIWord(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// maxAnchoredProbe is the widest range of starts tried one by one with anchored attempts.
const maxAnchoredProbe = 48

// addChecked adds a candidate range of an entry, after probing the entry's branch when the
// range is narrow enough.
// The text starts at offset off of the unit: r is in unit offsets.
func (c *candidates) addChecked(e *entry, text []byte, off int, r span) {
	if e.branch != nil && r.end-r.start <= maxBranchProbe && !branchCanStart(e.branch, e.first, text, r.start-off, r.end-off, e.maxLen) {
		return
	}
	c.add(e.pattern, r)
}

// maxBranchProbe is the widest candidate range probed start by start with a branch.
const maxBranchProbe = 16

// branchCanStart reports whether the branch, whose matches are at most maxLen bytes long,
// matches at some rune start in [first, last].
func branchCanStart(b *regexps, firstBytes *pattern.ByteSet, text []byte, first, last, maxLen int) bool {
	return anchoredIn(b, firstBytes, text[:windowEnd(text, last, maxLen)], runeStart(text, first), last) != nil
}

// windowEnd returns where the text a match starting at or before last can need ends: maxLen
// bytes on, plus one rune of right context for \b and $.
func windowEnd(text []byte, last, maxLen int) int {
	hi := last + maxLen
	if hi >= len(text) {
		return len(text)
	}
	_, w := utf8.DecodeRune(text[hi:])
	return hi + w
}

// anchoredIn returns the first match that starts at a rune start in [lo, last] (lo itself a
// rune start), trying each start with an anchored attempt; starts at bytes no match can begin
// with are skipped. The expressions are compiled only when a start needs them.
func anchoredIn(rx *regexps, firstBytes *pattern.ByteSet, text []byte, lo, last int) []int {
	for s := lo; s <= last && s < len(text); {
		if firstBytes == nil || firstBytes[text[s]] {
			if loc := anchoredMatch(rx.anchored(), text, s); loc != nil {
				return loc
			}
		}
		_, w := utf8.DecodeRune(text[s:])
		s += w
	}
	return nil
}

// anyIn reports whether a sorted list holds a value in [lo, hi].
func anyIn(sorted []int, lo, hi int) bool {
	i := sort.SearchInts(sorted, lo)
	return i < len(sorted) && sorted[i] <= hi
}

// collect runs the prefilter of pf over f and records candidate ranges for the patterns that
// apply (applies[pattern]).
func (db *Database) collect(pf *prefilter, f *form, applies []bool, c *candidates, x *literalIndex) {
	n := len(f.text)
	for _, p := range pf.scanAll {
		if applies[p] && n >= db.patterns[p].minLen {
			c.add(p, span{0, n - 1})
		}
	}
	if pf.matcher == nil || n == 0 {
		return
	}
	x.scan(pf, f.lower)
	for _, li := range x.found {
		db.literalRanges(pf, f.text, 0, x, li, x.positions(li), applies, c)
	}
	for _, p := range pf.foldKS {
		db.hazardRanges(p, f.hazards, applies, c)
	}
}

// literalRanges records the candidate ranges given by occurrences hs of literal li. A literal
// found at h gives the starts [h-off.max, h-off.min]; the range is kept only when every
// secondary factor of the pattern occurs where a match starting there would hold it. text
// holds the unit's text from offset off on; hs, x and the ranges are in unit offsets.
func (db *Database) literalRanges(pf *prefilter, text []byte, off int, x *literalIndex, li int, hs []int, applies []bool, c *candidates) {
	users := pf.users[li]
	use := false
	for _, e := range users {
		if applies[pf.entries[e].pattern] {
			use = true
			break
		}
	}
	if !use {
		return
	}
	for _, h := range hs {
	entries:
		for _, ei := range users {
			e := &pf.entries[ei]
			if !applies[e.pattern] {
				continue
			}
			first, last := h-e.off[1], h-e.off[0]
			if last < 0 || e.boundary && !asciiBoundary(text, h-off) {
				continue
			}
			first = max(0, first)
			// The factor with the narrowest offsets pins the starts closest.
			// (A match holding a hazard rune may lack a factor's folded literal; the hazard
			// windows cover it.)
			var pin *patternFactor
			for i := range e.factors {
				fac := &e.factors[i]
				if !x.factorIn(fac.factor, first+fac.off[0], last+fac.off[1]) {
					continue entries
				}
				if pin == nil || fac.off[1]-fac.off[0] < pin.off[1]-pin.off[0] {
					pin = fac
				}
			}
			if pin == nil || pin.off[1]-pin.off[0] >= last-first {
				c.addChecked(e, text, off, span{first, last})
				continue
			}
			// Every match start s in [first, last] has the pinning factor at some q with
			// s in [q-off[1], q-off[0]]: those ranges are the candidates.
			for _, l := range pf.factors[pin.factor] {
				pos := x.litPos[l]
				for i := sort.SearchInts(pos, first+pin.off[0]); i < len(pos) && pos[i] <= last+pin.off[1]; i++ {
					lo, hi := max(first, pos[i]-pin.off[1]), min(last, pos[i]-pin.off[0])
					if lo <= hi {
						c.addChecked(e, text, off, span{lo, hi})
					}
				}
			}
		}
	}
}

// hazardRanges records, for pattern p, the windows that end at a hazard rune: a match the
// folded literals missed holds one (the factor checks are off there: they use folded literals).
func (db *Database) hazardRanges(p int, hazards []int, applies []bool, c *candidates) {
	if !applies[p] {
		return
	}
	maxLen := db.patterns[p].maxLen
	for _, q := range hazards {
		c.add(p, span{max(0, q-maxLen+1), q})
	}
}

// findAll returns the leftmost-first, non-overlapping matches of p in text (the matches of
// regexp.FindAllIndex on the whole text) whose start lies in one of the candidate ranges. Every
// match contains a prefilter literal, so its start lies in some candidate range, and the result
// equals a search of the whole text.
func (p *compiledPattern) findAll(text []byte, ranges []span, out *matchList) {
	sortRanges(ranges)
	pos := 0
	for i := 0; i < len(ranges); {
		r := ranges[i]
		// Merge overlapping and touching ranges.
		for i++; i < len(ranges) && ranges[i].start <= r.end+1; i++ {
			r.end = max(r.end, ranges[i].end)
		}
		p.chain(text, 0, r, &pos, out)
	}
}

func sortRanges(ranges []span) {
	sort.Slice(ranges, func(i, j int) bool { return ranges[i].start < ranges[j].start })
}

// chain continues the leftmost-first chain of matches over one candidate range r: it adds the
// matches that start in r at or after *pos, and moves *pos past them. Ranges must come in
// order of their starts. text holds the unit's text from offset off on, with enough of it
// after r for any match starting in r (or all of it); r, *pos and the matches are in unit
// offsets.
func (p *compiledPattern) chain(text []byte, off int, r span, pos *int, out *matchList) {
	lo := max(r.start, *pos) - off
	lo = runeStart(text, lo)
	last := r.end - off
	for lo <= last {
		s, e, ok := p.find(text, lo, last)
		if !ok {
			break
		}
		if p.fullword && !wordBounded(text, s, e) {
			_, w := utf8.DecodeRune(text[s:])
			lo = s + w
			continue
		}
		out.add(s+off, e+off)
		*pos, lo = e+off, e
	}
}

// find returns the leftmost match starting in [lo, last], with the text around it in view.
func (p *compiledPattern) find(text []byte, lo, last int) (int, int, bool) {
	hi := windowEnd(text, last, p.maxLen)
	if last-lo < maxAnchoredProbe {
		// Few possible starts: anchored attempts fail fast, where an unanchored search of a
		// large program over the whole window is slow.
		if loc := anchoredIn(&p.rx, p.first, text[:hi], lo, last); loc != nil {
			return loc[0], loc[1], true
		}
		return 0, 0, false
	}
	rx := p.rx.get()
	if lo == 0 {
		loc := rx.re.FindIndex(text[:hi])
		if loc == nil || loc[0] > last {
			return 0, 0, false
		}
		return loc[0], loc[1], true
	}
	_, w := utf8.DecodeLastRune(text[:lo])
	c := lo - w // one rune of left context
	loc := rx.ctx.FindSubmatchIndex(text[c:hi])
	if loc == nil || c+loc[2] > last {
		return 0, 0, false
	}
	return c + loc[2], c + loc[3], true
}

// runeStart moves i forward to the start of a rune, as a forward decoding of text sees runes.
func runeStart(text []byte, i int) int {
	for k := 1; k <= utf8.UTFMax-1 && i-k >= 0 && i < len(text); k++ {
		b := text[i-k]
		if b < utf8.RuneSelf {
			return i
		}
		if utf8.RuneStart(b) {
			if _, size := utf8.DecodeRune(text[i-k:]); size > k {
				return i - k + size
			}
			return i
		}
	}
	return i
}

func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// wordBounded reports whether text[s:e] has no letter, digit or '_' right before or after it.
func wordBounded(text []byte, s, e int) bool {
	if s > 0 {
		if r, _ := utf8.DecodeLastRune(text[:s]); isWordRune(r) {
			return false
		}
	}
	if e < len(text) {
		if r, _ := utf8.DecodeRune(text[e:]); isWordRune(r) {
			return false
		}
	}
	return true
}
