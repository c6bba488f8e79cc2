package engine

import (
	"bytes"
	"sort"
	"unicode"
	"unicode/utf8"
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
	// hazard is true when the text holds U+212A or U+017F, which Go folds to k and s: patterns
	// whose case-insensitive literals contain those letters cannot use the prefilter then.
	hazard bool
}

var (
	kelvin = []byte("\u212a")
	longS  = []byte("\u017f")
)

func newForm(text, lowerBuf []byte, ascii bool) form {
	f := form{text: text}
	f.lower = lowerASCII(lowerBuf, text)
	if !ascii {
		f.hazard = bytes.Contains(text, kelvin) || bytes.Contains(text, longS)
	}
	return f
}

func lowerASCII(dst, src []byte) []byte {
	if cap(dst) < len(src) {
		dst = make([]byte, len(src))
	}
	dst = dst[:len(src)]
	for i, c := range src {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst[i] = c
	}
	return dst
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

// collect runs the prefilter of pf over f and records candidate ranges for the patterns that
// apply (applies[pattern]).
func (db *Database) collect(pf *prefilter, f *form, applies []bool, c *candidates) {
	n := len(f.text)
	whole := span{0, n - 1}
	for _, p := range pf.scanAll {
		if applies[p] && n >= db.patterns[p].minLen {
			c.add(p, whole)
		}
	}
	if pf.matcher == nil || n == 0 {
		return
	}
	for _, li := range pf.matcher.MatchThreadSafe(f.lower) {
		lit := pf.literalBytes[li]
		users := pf.users[li]
		any := false
		for _, p := range users {
			if applies[p] {
				any = true
				break
			}
		}
		if !any {
			continue
		}
		for from := 0; from < n; {
			i := bytes.Index(f.lower[from:], lit)
			if i < 0 {
				break
			}
			h := from + i
			for _, p := range users {
				if !applies[p] {
					continue
				}
				lo := h + len(lit) - db.patterns[p].maxLen
				if lo < 0 {
					lo = 0
				}
				c.add(p, span{lo, h})
			}
			from = h + 1
		}
	}
	if f.hazard {
		for _, p := range pf.foldKS {
			if !applies[p] {
				continue
			}
			if len(c.ranges[p]) > 0 {
				c.ranges[p] = append(c.ranges[p][:0], whole)
			} else {
				c.add(p, whole)
			}
		}
	}
}

// findAll returns the leftmost-first, non-overlapping matches of p in text (the matches of
// regexp.FindAllIndex on the whole text) whose start lies in one of the candidate ranges. Every
// match contains a prefilter literal, so its start lies in some candidate range, and the result
// equals a search of the whole text.
func (p *compiledPattern) findAll(text []byte, ranges []span, out *matchList) {
	sort.Slice(ranges, func(i, j int) bool { return ranges[i].start < ranges[j].start })
	pos := 0
	for i := 0; i < len(ranges); {
		r := ranges[i]
		// Merge overlapping and touching ranges.
		for i++; i < len(ranges) && ranges[i].start <= r.end+1; i++ {
			if ranges[i].end > r.end {
				r.end = ranges[i].end
			}
		}
		lo := r.start
		if lo < pos {
			lo = pos
		}
		lo = runeStart(text, lo)
		for lo <= r.end {
			s, e, ok := p.find(text, lo, r.end)
			if !ok {
				break
			}
			if p.fullword && !wordBounded(text, s, e) {
				_, w := utf8.DecodeRune(text[s:])
				lo = s + w
				continue
			}
			out.count++
			if len(out.list) < maxStoredMatches {
				out.list = append(out.list, match{span: span{s, e}})
			}
			pos, lo = e, e
		}
	}
}

// find returns the leftmost match starting in [lo, last], with the text around it in view.
func (p *compiledPattern) find(text []byte, lo, last int) (int, int, bool) {
	hi := last + p.maxLen
	if hi >= len(text) {
		hi = len(text)
	} else {
		_, w := utf8.DecodeRune(text[hi:])
		hi += w // one rune of right context for \b and $
	}
	if lo == 0 {
		loc := p.re.FindIndex(text[:hi])
		if loc == nil || loc[0] > last {
			return 0, 0, false
		}
		return loc[0], loc[1], true
	}
	_, w := utf8.DecodeLastRune(text[:lo])
	c := lo - w // one rune of left context
	loc := p.ctx.FindSubmatchIndex(text[c:hi])
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
