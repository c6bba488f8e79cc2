package engine

import (
	"regexp"
	"sync"
	"unicode/utf8"
)

// NewReferenceScanner returns a scanner that finds matches the slow, obvious way: every pattern's
// regexp runs over the whole text (regexp.FindAllIndex), with no prefilter and no windows. It
// defines what the fast paths must find, for differential tests and fuzzing, and it is the naive
// regexp-per-rule baseline of the benchmarks.
func NewReferenceScanner(db *Database) *Scanner {
	s := NewScanner(db)
	s.reference = true
	return s
}

// referenceMatches fills out with the matches of p in text, computed without the prefilter.
func (p *compiledPattern) referenceMatches(text []byte, out *matchList) {
	if len(text) < p.minLen {
		return
	}
	if !p.fullword {
		for _, loc := range p.rx.get().re.FindAllIndex(text, -1) {
			out.add(loc[0], loc[1])
		}
		return
	}
	// fullword changes which matches chain: a match that touches a word is skipped and the
	// search resumes at the next rune. Try every rune start in turn.
	anchored := p.rx.anchored()
	for s := 0; s < len(text); {
		if loc := anchoredMatch(anchored, text, s); loc != nil && wordBounded(text, loc[0], loc[1]) {
			out.add(loc[0], loc[1])
			s = loc[1]
			continue
		}
		_, w := utf8.DecodeRune(text[s:])
		s += w
	}
}

type anchoredPair struct{ atStart, withContext *regexp.Regexp }

// regexps holds the compiled forms of one expression, built on first use: a rule set has
// hundreds of expressions and most inputs never need most of them. The anchored forms are built
// apart from the others, since branch probes and narrow ranges need only them. The expression
// was checked when the rule set was compiled, so building its forms cannot fail.
type regexps struct {
	expr       string
	once       sync.Once
	re         *regexp.Regexp // the expression
	ctx        *regexp.Regexp // `(?s:.)(expr)`: with one rune of left context
	anchorOnce sync.Once
	anchor     anchoredPair // anchored at one start, without and with left context
}

// get returns r with its unanchored forms built.
func (r *regexps) get() *regexps {
	r.once.Do(func() {
		r.re = regexp.MustCompile(r.expr)
		r.ctx = regexp.MustCompile(`(?s:.)(` + r.expr + `)`)
	})
	return r
}

// anchored returns the forms anchored at one start.
func (r *regexps) anchored() anchoredPair {
	r.anchorOnce.Do(func() {
		r.anchor = anchoredPair{
			atStart:     regexp.MustCompile(`\A(` + r.expr + `)`),
			withContext: regexp.MustCompile(`\A(?s:.)(` + r.expr + `)`),
		}
	})
	return r.anchor
}

// anchoredMatch returns the leftmost-first match starting exactly at s, seeing the rune before s.
func anchoredMatch(a anchoredPair, text []byte, s int) []int {
	if s == 0 {
		loc := a.atStart.FindSubmatchIndex(text)
		if loc == nil {
			return nil
		}
		return []int{loc[2], loc[3]}
	}
	_, w := utf8.DecodeLastRune(text[:s])
	c := s - w
	loc := a.withContext.FindSubmatchIndex(text[c:])
	if loc == nil {
		return nil
	}
	return []int{c + loc[2], c + loc[3]}
}

func (l *matchList) add(s, e int) {
	l.count++
	if len(l.list) < maxStoredMatches {
		l.list = append(l.list, match{span: span{s, e}})
	}
}
