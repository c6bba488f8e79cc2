package hsmatch

import (
	"errors"
	"fmt"
	"regexp/syntax"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrMatchesEmpty is returned by Translate for an expression that can match the empty string
// once its assertions are dropped: Hyperscan rejects such expressions by default and would
// report them at every offset otherwise. The rule compiler never produces one.
var ErrMatchesEmpty = errors.New("expression can match the empty string")

// ErrNeverMatches is returned by Translate for an expression that matches no text at all (an
// empty character class): there is nothing to hand to Hyperscan.
var ErrNeverMatches = errors.New("expression never matches")

// wideRepeat is the largest maximum of a counted repeat of a character class with non-ASCII
// members that is translated exactly; above it the repeat is widened to a byte repeat (see
// Translate), which Hyperscan handles as one bounded-repeat engine instead of unrolling it.
const wideRepeat = 4

// TranslationVersion changes whenever Translate's output does: a serialized database built
// by another version must not be loaded for the same expressions (see engine's image digest).
const TranslationVersion = 2

// longRepeat is the largest repeat bound kept as such: a longer bounded repeat is translated
// unbounded ({m,} instead of {m,n}), still a superset. Vectorscan handles long bounded repeats
// of wide classes slowly, and they make up most of the rule set's gaps ([^\n]{0,300}).
const longRepeat = 64

// Translate turns a Go regular expression (regexp/syntax with syntax.Perl flags, the syntax
// regexp.Compile accepts) into a Hyperscan expression over bytes, to be compiled without
// HS_FLAG_UTF8, HS_FLAG_CASELESS, HS_FLAG_DOTALL or HS_FLAG_MULTILINE. The translation
// over-approximates: for every text T, whatever its bytes, and every match T[s:e] that Go's
// regexp finds, the Hyperscan expression matches the bytes T[s:e], so Hyperscan reports the
// end offset e. It works as follows:
//
//   - ASCII literals are kept exactly; case-insensitive ones list every case variant (the
//     unicode.SimpleFold orbit, so k also admits the UTF-8 bytes of U+212A KELVIN SIGN).
//   - Non-ASCII runes become their UTF-8 bytes. Go reads each byte of invalid UTF-8 as U+FFFD,
//     so a literal or class that holds U+FFFD also admits any single byte in \x80-\xff.
//   - Character classes keep their ASCII part exactly; their non-ASCII part admits the UTF-8
//     sequences whose lead byte lies between those of the smallest and largest member of each
//     encoded length. A counted repeat (maximum above 4) of such a class becomes a repeat of
//     bytes: ASCII members or any byte in \x80-\xff, n to 4·m times, since m runes span at most
//     4·m bytes.
//   - Assertions (^ $ \A \z \b \B) match the empty string; captures become non-capturing
//     groups; non-greedy repeats become greedy.
//
// The expression is not passed through Simplify, which would unroll counted repeats. Translate
// returns ErrMatchesEmpty or ErrNeverMatches (wrapped) for expressions Hyperscan cannot take.
func Translate(expr string) (string, error) {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return "", fmt.Errorf("parse %q: %w", expr, err)
	}
	f := translate(re)
	switch f.kind {
	case kindNone:
		return "", fmt.Errorf("translate %q: %w", expr, ErrNeverMatches)
	case kindEmpty:
		return "", fmt.Errorf("translate %q: %w", expr, ErrMatchesEmpty)
	}
	if nullable(re) {
		return "", fmt.Errorf("translate %q: %w", expr, ErrMatchesEmpty)
	}
	return f.s, nil
}

// fragKind says how a translated fragment binds, so the printer adds groups only where needed.
type fragKind int

const (
	kindNone  fragKind = iota // matches nothing
	kindEmpty                 // matches only the empty string; s is ""
	kindAtom                  // one byte, a bracket class or a group: may take a repeat suffix
	kindSeq                   // a concatenation or a repeat: may stand in a concatenation
	kindAlt                   // an alternation: must be grouped inside anything else
)

type frag struct {
	s    string
	kind fragKind
}

func (f frag) atom() string {
	if f.kind == kindAtom {
		return f.s
	}
	return "(?:" + f.s + ")"
}

func (f frag) seq() string {
	if f.kind == kindAlt {
		return "(?:" + f.s + ")"
	}
	return f.s
}

var (
	noMatch    = frag{kind: kindNone}
	emptyMatch = frag{kind: kindEmpty}
)

// Rune ranges of the pseudo-classes . and (?s:.).
var (
	anyNotNL = []rune{0, '\n' - 1, '\n' + 1, unicode.MaxRune}
	anyRune  = []rune{0, unicode.MaxRune}
)

func translate(re *syntax.Regexp) frag {
	switch re.Op {
	case syntax.OpNoMatch:
		return noMatch
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return emptyMatch
	case syntax.OpLiteral:
		return literal(re.Rune, re.Flags&syntax.FoldCase != 0)
	case syntax.OpCharClass, syntax.OpAnyCharNotNL, syntax.OpAnyChar:
		return class(classRunes(re))
	case syntax.OpCapture:
		return translate(re.Sub[0])
	case syntax.OpConcat:
		return concat(re.Sub)
	case syntax.OpAlternate:
		return alternate(re.Sub)
	case syntax.OpStar:
		return repeat(re.Sub[0], 0, -1)
	case syntax.OpPlus:
		return repeat(re.Sub[0], 1, -1)
	case syntax.OpQuest:
		return repeat(re.Sub[0], 0, 1)
	case syntax.OpRepeat:
		return repeat(re.Sub[0], re.Min, re.Max)
	}
	// regexp/syntax has no other operators; keep the translation a superset regardless.
	return frag{s: `[\x00-\xff]*`, kind: kindSeq}
}

func concat(subs []*syntax.Regexp) frag {
	var parts []frag
	for _, s := range subs {
		f := translate(s)
		switch f.kind {
		case kindNone:
			return noMatch
		case kindEmpty:
			continue
		}
		parts = append(parts, f)
	}
	switch len(parts) {
	case 0:
		return emptyMatch
	case 1:
		return parts[0]
	}
	var b strings.Builder
	for _, f := range parts {
		b.WriteString(f.seq())
	}
	return frag{s: b.String(), kind: kindSeq}
}

func alternate(subs []*syntax.Regexp) frag {
	var parts []frag
	empty := false
	for _, s := range subs {
		f := translate(s)
		switch f.kind {
		case kindNone:
			continue
		case kindEmpty:
			empty = true
			continue
		}
		parts = append(parts, f)
	}
	if len(parts) == 0 {
		if empty {
			return emptyMatch
		}
		return noMatch
	}
	f := alternation(parts)
	if empty {
		return frag{s: f.atom() + "?", kind: kindSeq}
	}
	return f
}

// alternation joins fragments that each match something.
func alternation(parts []frag) frag {
	if len(parts) == 1 {
		return parts[0]
	}
	s := make([]string, len(parts))
	for i, f := range parts {
		s[i] = f.s
	}
	return frag{s: strings.Join(s, "|"), kind: kindAlt}
}

func repeat(sub *syntax.Regexp, min, max int) frag {
	if max == 0 {
		return emptyMatch
	}
	if ascii, wide := singleRune(sub); wide && (max < 0 || max > wideRepeat) {
		// m runes of the class span n to 4·m bytes, each an ASCII member or a non-ASCII byte;
		// for an unbounded repeat the two languages are equal.
		bmax := -1
		if max >= 0 {
			bmax = utf8.UTFMax * max
		}
		return frag{s: bracket(append(ascii, 0x80, 0xff)) + bounds(min, bmax), kind: kindSeq}
	}
	f := translate(sub)
	switch f.kind {
	case kindNone:
		if min == 0 {
			return emptyMatch
		}
		return noMatch
	case kindEmpty:
		return emptyMatch
	}
	if min == 1 && max == 1 {
		return f
	}
	return frag{s: f.atom() + bounds(min, max), kind: kindSeq}
}

// bounds prints a repeat suffix; max < 0 means unbounded.
func bounds(min, max int) string {
	if max > longRepeat {
		max = -1
	}
	switch {
	case min == 0 && max < 0:
		return "*"
	case min == 1 && max < 0:
		return "+"
	case min == 0 && max == 1:
		return "?"
	case max < 0:
		return "{" + strconv.Itoa(min) + ",}"
	case min == max:
		return "{" + strconv.Itoa(min) + "}"
	}
	return "{" + strconv.Itoa(min) + "," + strconv.Itoa(max) + "}"
}

// singleRune reports whether re is a class (or .) with a non-ASCII member; ascii is then its
// ASCII members as rune ranges.
func singleRune(re *syntax.Regexp) (ascii []rune, wide bool) {
	switch re.Op {
	case syntax.OpCharClass, syntax.OpAnyCharNotNL, syntax.OpAnyChar:
		return splitASCII(classRunes(re))
	case syntax.OpCapture:
		return singleRune(re.Sub[0])
	}
	return nil, false
}

// classRunes returns the rune ranges of a class, . or (?s:.).
func classRunes(re *syntax.Regexp) []rune {
	switch re.Op {
	case syntax.OpAnyCharNotNL:
		return anyNotNL
	case syntax.OpAnyChar:
		return anyRune
	}
	return re.Rune
}

// splitASCII returns the ranges clipped to ASCII and whether any member is not ASCII.
func splitASCII(ranges []rune) ([]rune, bool) {
	var ascii []rune
	wide := false
	for i := 0; i+1 < len(ranges); i += 2 {
		lo, hi := ranges[i], ranges[i+1]
		if hi >= utf8.RuneSelf {
			wide = true
		}
		if lo < utf8.RuneSelf {
			ascii = append(ascii, lo, min(hi, utf8.RuneSelf-1))
		}
	}
	return ascii, wide
}

// literal translates a run of literal runes.
func literal(runes []rune, fold bool) frag {
	parts := make([]frag, len(runes))
	for i, r := range runes {
		parts[i] = runeFrag(r, fold)
	}
	if len(parts) == 1 {
		return parts[0]
	}
	var b strings.Builder
	for _, f := range parts {
		b.WriteString(f.seq())
	}
	return frag{s: b.String(), kind: kindSeq}
}

// invalidByte is what Go reads as U+FFFD besides its own encoding: one byte of invalid UTF-8.
var invalidByte = frag{s: `[\x80-\xff]`, kind: kindAtom}

// runeFrag translates one literal rune, with its case variants when fold is set.
func runeFrag(r rune, fold bool) frag {
	orbit := []rune{r}
	if fold {
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			orbit = append(orbit, f)
		}
	}
	var ascii []rune
	var wide []frag
	for _, o := range orbit {
		if o < utf8.RuneSelf {
			ascii = append(ascii, o, o)
			continue
		}
		wide = append(wide, runeBytes(o))
		if o == utf8.RuneError {
			wide = append(wide, invalidByte)
		}
	}
	return union(ascii, wide)
}

// union is ASCII ranges | wide fragments, the shape of every rune translation.
func union(ascii []rune, wide []frag) frag {
	var parts []frag
	if len(ascii) > 0 {
		parts = append(parts, frag{s: bracket(ascii), kind: kindAtom})
	}
	parts = append(parts, wide...)
	if len(parts) == 0 {
		return noMatch
	}
	return alternation(parts)
}

// runeBytes is the UTF-8 encoding of r, computed arithmetically so that surrogates keep their
// (never matched) three-byte form.
func runeBytes(r rune) frag {
	n := runeLen(r)
	if n == 1 {
		return frag{s: escape(byte(r)), kind: kindAtom}
	}
	var b strings.Builder
	b.WriteString(escape(leadBytes[n] | byte(r>>(6*(n-1)))))
	for i := n - 2; i >= 0; i-- {
		b.WriteString(escape(0x80 | byte(r>>(6*i))&0x3f))
	}
	return frag{s: b.String(), kind: kindSeq}
}

// leadBytes holds the length marker of a UTF-8 lead byte, by sequence length.
var leadBytes = [utf8.UTFMax + 1]byte{2: 0xc0, 3: 0xe0, 4: 0xf0}

func runeLen(r rune) int {
	switch {
	case r < 0x80:
		return 1
	case r < 0x800:
		return 2
	case r < 0x10000:
		return 3
	}
	return 4
}

// lengthRanges holds the runes encoded with each UTF-8 length above one.
var lengthRanges = [...]struct {
	n      int
	lo, hi rune
}{{2, 0x80, 0x7ff}, {3, 0x800, 0xffff}, {4, 0x10000, unicode.MaxRune}}

// class translates a character class given as sorted rune ranges.
func class(ranges []rune) frag {
	ascii, wide := splitASCII(ranges)
	if !wide {
		return union(ascii, nil)
	}
	if contains(ranges, utf8.RuneError) {
		// Invalid bytes read as U+FFFD: admit any run of non-ASCII bytes a rune can span.
		return union(ascii, []frag{{s: `[\x80-\xff]{1,4}`, kind: kindSeq}})
	}
	var parts []frag
	for _, lr := range lengthRanges {
		lo, hi := rune(-1), rune(-1)
		for i := 0; i+1 < len(ranges); i += 2 {
			a, b := max(ranges[i], lr.lo), min(ranges[i+1], lr.hi)
			if a > b {
				continue
			}
			if lo < 0 {
				lo = a
			}
			hi = b
		}
		if lo < 0 {
			continue
		}
		shift := 6 * (lr.n - 1)
		lead := rune(leadBytes[lr.n])
		s := bracket([]rune{lead | lo>>shift, lead | hi>>shift}) + `[\x80-\xbf]`
		if lr.n > 2 {
			s += "{" + strconv.Itoa(lr.n-1) + "}"
		}
		parts = append(parts, frag{s: s, kind: kindSeq})
	}
	return union(ascii, parts)
}

func contains(ranges []rune, r rune) bool {
	for i := 0; i+1 < len(ranges); i += 2 {
		if ranges[i] <= r && r <= ranges[i+1] {
			return true
		}
	}
	return false
}

// bracket prints byte ranges (pairs of values below 256) as a bracket expression, or as one
// escaped byte when they hold a single byte.
func bracket(ranges []rune) string {
	if len(ranges) == 2 && ranges[0] == ranges[1] {
		return escape(byte(ranges[0]))
	}
	// Merge adjacent ranges first: [\x00-\x7f] and [\x80-\xff] print as one.
	var merged []rune
	for i := 0; i+1 < len(ranges); i += 2 {
		if n := len(merged); n > 0 && ranges[i] <= merged[n-1]+1 {
			merged[n-1] = max(merged[n-1], ranges[i+1])
			continue
		}
		merged = append(merged, ranges[i], ranges[i+1])
	}
	var b strings.Builder
	b.WriteByte('[')
	for i := 0; i+1 < len(merged); i += 2 {
		lo, hi := byte(merged[i]), byte(merged[i+1])
		b.WriteString(escape(lo))
		if hi > lo {
			if hi > lo+1 {
				b.WriteByte('-')
			}
			b.WriteString(escape(hi))
		}
	}
	b.WriteByte(']')
	return b.String()
}

// escape prints a byte as itself when it is a letter or a digit and as \xHH otherwise, which
// means the same in and out of brackets.
func escape(c byte) string {
	if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
		return string(rune(c))
	}
	return fmt.Sprintf(`\x%02x`, c)
}

// nullable reports whether re can match the empty string when assertions match it.
func nullable(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpNoMatch, syntax.OpLiteral, syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return false
	case syntax.OpCapture, syntax.OpPlus:
		return nullable(re.Sub[0])
	case syntax.OpStar, syntax.OpQuest:
		return true
	case syntax.OpRepeat:
		return re.Min == 0 || nullable(re.Sub[0])
	case syntax.OpConcat:
		for _, s := range re.Sub {
			if !nullable(s) {
				return false
			}
		}
		return true
	case syntax.OpAlternate:
		for _, s := range re.Sub {
			if nullable(s) {
				return true
			}
		}
		return false
	}
	return true // the empty match and the assertions
}
