// Package pattern analyses the regular expressions of rule strings: it bounds unbounded repeats,
// computes the shortest and longest match in bytes, extracts the literals that every match must
// contain (the prefilter), and derives the wide (UTF-16LE) and base64 forms of a pattern. It works on
// regexp/syntax trees only and knows nothing of rules or matching.
package pattern

import (
	"fmt"
	"regexp/syntax"
	"sync"
	"unicode"
	"unicode/utf8"
)

// MaxWindow is the largest repetition bound a window may set (Go's regexp limit).
const MaxWindow = 1000

// MinSelective is the shortest prefilter literal that is considered selective.
const MinSelective = 3

// parseFlags are the flags of Go's regexp.Compile (Perl syntax, RE2 semantics).
const parseFlags = syntax.Perl

// Analysis describes a pattern ready for matching.
type Analysis struct {
	// Expr is the bounded expression, as accepted by regexp.Compile.
	Expr string
	// MinLen and MaxLen bound the length of any match, in bytes.
	MinLen, MaxLen int
	// Prefilters select where matches can start: every match contains, for at least one
	// prefilter, one of its literals (compared after ASCII lower-casing of both) at one of its
	// offsets, and each of its factors too. A top-level alternation has one per branch. Empty
	// when no literal could be found: every text is then searched.
	Prefilters []Prefilter
	// FoldKS is true when a case-insensitive literal holds a rune whose case variants differ
	// in UTF-8 length ('k' and U+212A KELVIN SIGN, 's' and U+017F LONG S): text that FoldText
	// reports as a hazard must also be searched around each hazard.
	FoldKS bool
	// First holds the bytes a match can start with; nil when any byte can.
	First *ByteSet
	// ProgramSize is the number of instructions of the compiled expression.
	ProgramSize int
	// Bounded is true when the window bounded at least one repeat.
	Bounded bool
}

// Factor is a set of literals one of which every match contains, starting at an offset from
// the match start within Offset (inclusive).
type Factor struct {
	Literals []string
	Offset   [2]int
}

// Prefilter is a primary factor, whose literals are searched for, and secondary factors that
// must also occur for a candidate to be confirmed.
type Prefilter struct {
	Factor
	Secondary []Factor
	// Branch is the expression of the branch the prefilter belongs to (the whole expression
	// when there is one prefilter).
	Branch string
	// LeadingBoundary is true when the literal starts every match and a \b precedes it, so a
	// literal found where no word boundary is cannot start a match.
	LeadingBoundary bool
	// First holds the bytes a match of the branch can start with (nil: any).
	First *ByteSet
}

// Literals returns every primary literal of the analysis.
func (a *Analysis) Literals() []string {
	var out []string
	for _, p := range a.Prefilters {
		out = append(out, p.Literals...)
	}
	return out
}

// Selective reports whether the prefilter literals are long enough to be selective.
func (a *Analysis) Selective() bool {
	if len(a.Prefilters) == 0 {
		return false
	}
	for _, l := range a.Literals() {
		if len(l) < MinSelective {
			return false
		}
	}
	return true
}

// Parse parses a Go RE2 expression with the flags regexp.Compile uses.
func Parse(expr string) (*syntax.Regexp, error) {
	return syntax.Parse(expr, parseFlags)
}

// analysisCache remembers analyses: the rule compiler lints every expression and the engine
// then compiles the same ones, and a gateway reloading its rules sees them again.
var analysisCache struct {
	sync.Mutex
	m map[string]*Analysis
}

const maxCachedAnalyses = 16384

// Analyze bounds expr with window (0: unbounded repeats are an error), checks that it cannot
// match the empty string, and computes its lengths and prefilter literals. fast, when not empty,
// replaces the derived prefilter. The result is shared and must not be modified.
func Analyze(expr string, window int, fast string) (*Analysis, error) {
	key := fmt.Sprintf("%d\x00%s\x00%s", window, fast, expr)
	analysisCache.Lock()
	a, ok := analysisCache.m[key]
	analysisCache.Unlock()
	if ok {
		return a, nil
	}
	a, err := analyze1(expr, window, fast)
	if err != nil {
		return nil, err
	}
	analysisCache.Lock()
	if analysisCache.m == nil || len(analysisCache.m) >= maxCachedAnalyses {
		analysisCache.m = map[string]*Analysis{}
	}
	analysisCache.m[key] = a
	analysisCache.Unlock()
	return a, nil
}

// Analyses returns the analyses computed or imported so far, keyed as Analyze keeps them, for a
// caller that saves them between runs of the same code (see Import). The map is a copy; the
// analyses are shared and must not be modified.
func Analyses() map[string]*Analysis {
	analysisCache.Lock()
	defer analysisCache.Unlock()
	out := make(map[string]*Analysis, len(analysisCache.m))
	for k, a := range analysisCache.m {
		out[k] = a
	}
	return out
}

// Import adds analyses that Analyses returned in an earlier run of the same code: Analyze then
// returns them instead of computing them. Analyses made by other code (another version of this
// package) must not be imported: nothing here can tell them apart.
func Import(m map[string]*Analysis) {
	analysisCache.Lock()
	defer analysisCache.Unlock()
	if analysisCache.m == nil || len(analysisCache.m)+len(m) > maxCachedAnalyses {
		analysisCache.m = map[string]*Analysis{}
	}
	for k, a := range m {
		if len(analysisCache.m) >= maxCachedAnalyses {
			return
		}
		analysisCache.m[k] = a
	}
}

func analyze1(expr string, window int, fast string) (*Analysis, error) {
	re, err := Parse(expr)
	if err != nil {
		return nil, err
	}
	if window < 0 || window > MaxWindow {
		return nil, fmt.Errorf("window %d out of range 1..%d", window, MaxWindow)
	}
	a := &Analysis{}
	if a.Bounded, err = bound(re, window); err != nil {
		return nil, err
	}
	a.Expr = Format(re)
	// Compile the printed form, as the engine will: this checks Go's size limits too.
	printed, err := syntax.Parse(a.Expr, parseFlags)
	if err != nil {
		return nil, fmt.Errorf("bounded expression does not parse: %w", err)
	}
	prog, err := syntax.Compile(printed.Simplify())
	if err != nil {
		return nil, fmt.Errorf("bounded expression does not compile: %w", err)
	}
	a.ProgramSize = len(prog.Inst)
	a.MinLen, a.MaxLen = minLen(re), maxLen(re)
	a.First = FirstBytes(re)
	if a.MinLen == 0 {
		return nil, fmt.Errorf("pattern can match the empty string")
	}
	if fast != "" {
		a.FoldKS = hasKS(fast) // conservative: the override is compared case-insensitively
		a.Prefilters = []Prefilter{{Factor: Factor{Literals: []string{asciiLower(fast)}, Offset: [2]int{0, max(0, a.MaxLen-len(fast))}}}}
	} else {
		a.Prefilters, a.FoldKS = newAnalyzer().prefilters(re)
	}
	return a, nil
}

// bound replaces unbounded repeats by repeats of at most window repetitions.
func bound(re *syntax.Regexp, window int) (bool, error) {
	bounded := false
	var walk func(*syntax.Regexp) error
	walk = func(r *syntax.Regexp) error {
		for _, s := range r.Sub {
			if err := walk(s); err != nil {
				return err
			}
		}
		min := -1
		switch r.Op {
		case syntax.OpStar:
			min = 0
		case syntax.OpPlus:
			min = 1
		case syntax.OpRepeat:
			if r.Max == -1 {
				min = r.Min
			}
		}
		if min < 0 {
			return nil
		}
		if window == 0 {
			return fmt.Errorf("unbounded repeat %s needs a window", r.String())
		}
		max := window
		if max < min {
			max = min
		}
		*r = syntax.Regexp{Op: syntax.OpRepeat, Flags: r.Flags, Min: min, Max: max, Sub: []*syntax.Regexp{r.Sub[0]}}
		bounded = true
		return nil
	}
	return bounded, walk(re)
}

// UsesContext reports whether the expression looks at the text around a match: word boundaries,
// line or text anchors.
func UsesContext(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	}
	for _, s := range re.Sub {
		if UsesContext(s) {
			return true
		}
	}
	return false
}

// foldOrbitLens returns the shortest and longest UTF-8 length among the case variants of r.
func foldOrbitLens(r rune) (int, int) {
	lo, hi := utf8.RuneLen(r), utf8.RuneLen(r)
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		n := utf8.RuneLen(f)
		lo, hi = minInt(lo, n), maxInt(hi, n)
	}
	return lo, hi
}

func minLen(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpLiteral:
		n := 0
		for _, r := range re.Rune {
			if re.Flags&syntax.FoldCase != 0 {
				lo, _ := foldOrbitLens(r)
				n += lo
			} else {
				n += runeLen(r)
			}
		}
		return n
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1
	case syntax.OpCapture, syntax.OpQuest, syntax.OpStar, syntax.OpPlus:
		if re.Op == syntax.OpQuest || re.Op == syntax.OpStar {
			return 0
		}
		return minLen(re.Sub[0])
	case syntax.OpRepeat:
		return re.Min * minLen(re.Sub[0])
	case syntax.OpConcat:
		n := 0
		for _, s := range re.Sub {
			n += minLen(s)
		}
		return n
	case syntax.OpAlternate:
		n := -1
		for _, s := range re.Sub {
			if m := minLen(s); n < 0 || m < n {
				n = m
			}
		}
		return maxInt(n, 0)
	}
	return 0
}

func maxLen(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpLiteral:
		n := 0
		for _, r := range re.Rune {
			if re.Flags&syntax.FoldCase != 0 {
				_, hi := foldOrbitLens(r)
				n += hi
			} else {
				n += runeLen(r)
			}
		}
		return n
	case syntax.OpCharClass:
		hi := 0
		for i := 1; i < len(re.Rune); i += 2 {
			hi = maxInt(hi, runeLen(re.Rune[i]))
		}
		return hi
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return utf8.UTFMax
	case syntax.OpCapture, syntax.OpQuest:
		return maxLen(re.Sub[0])
	case syntax.OpRepeat:
		return re.Max * maxLen(re.Sub[0])
	case syntax.OpConcat:
		n := 0
		for _, s := range re.Sub {
			n += maxLen(s)
		}
		return n
	case syntax.OpAlternate:
		n := 0
		for _, s := range re.Sub {
			n = maxInt(n, maxLen(s))
		}
		return n
	}
	return 0
}

// runeLen is the UTF-8 length of r, counting invalid runes as the 3 bytes of U+FFFD.
func runeLen(r rune) int {
	if n := utf8.RuneLen(r); n > 0 {
		return n
	}
	return 3
}

func minInt(a, b int) int {
	if a < b {
		return a
	}
	return b
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}
