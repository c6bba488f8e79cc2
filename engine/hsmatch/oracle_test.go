package hsmatch

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// A byteOracle runs a translated expression with Go's regexp, over bytes: each byte of a text
// is read as the rune of the same value (Latin-1), which is what \xHH and the bracket
// expressions of a translation mean to Go's parser. It tells whether some match of the
// translation ends at a given offset, which is what Hyperscan reports.
type byteOracle struct {
	re *regexp.Regexp
}

// bigRepeat matches the counted repeats that Go's parser refuses (bounds above 1000).
var bigRepeat = regexp.MustCompile(`\{(\d+),(\d+)\}`)

func newByteOracle(translated string) (*byteOracle, error) {
	// Widened repeats may exceed Go's limit; an unbounded repeat admits more, so the check
	// stays sound (it can only miss a translation that accepts too much).
	expr := bigRepeat.ReplaceAllStringFunc(translated, func(m string) string {
		sub := bigRepeat.FindStringSubmatch(m)
		if hi, _ := strconv.Atoi(sub[2]); hi > 1000 {
			return "{" + sub[1] + ",}"
		}
		return m
	})
	re, err := regexp.Compile(`\A(?:` + expr + `)\z`)
	if err != nil {
		return nil, fmt.Errorf("oracle for %q: %w", translated, err)
	}
	return &byteOracle{re: re}, nil
}

// matches reports whether the translation matches all of b.
func (o *byteOracle) matches(b []byte) bool {
	return o.re.MatchString(latin1(b))
}

func latin1(b []byte) string {
	var s strings.Builder
	s.Grow(2 * len(b))
	for _, c := range b {
		s.WriteRune(rune(c))
	}
	return s.String()
}

// goMatches returns Go's matches of re in text.
func goMatches(re *regexp.Regexp, text []byte) [][]int {
	return re.FindAllIndex(text, -1)
}

// goEnds returns the end offsets of Go's matches of re in text.
func goEnds(re *regexp.Regexp, text []byte) []int {
	var ends []int
	for _, m := range re.FindAllIndex(text, -1) {
		ends = append(ends, m[1])
	}
	return ends
}

// supersetViolation checks the translation against Go's regexp on text and describes the
// first Go match the translation does not match ("" when there is none).
func supersetViolation(goRe *regexp.Regexp, o *byteOracle, text []byte) string {
	for _, m := range goMatches(goRe, text) {
		if !o.matches(text[m[0]:m[1]]) {
			return fmt.Sprintf("Go matches %q at [%d,%d) in %q, the translation does not", text[m[0]:m[1]], m[0], m[1], text)
		}
	}
	return ""
}
