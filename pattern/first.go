package pattern

import (
	"regexp/syntax"
	"unicode"
	"unicode/utf8"
)

// ByteSet is a set of byte values.
type ByteSet [256]bool

// FirstBytes returns the bytes a match of re can start with, or nil when any byte can.
func FirstBytes(re *syntax.Regexp) *ByteSet {
	var s ByteSet
	if !addFirst(&s, re) {
		return nil
	}
	return &s
}

// addFirst adds the first bytes of re's non-empty matches to s; it returns false when the
// set would be every byte.
func addFirst(s *ByteSet, re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpLiteral:
		if len(re.Rune) == 0 {
			return true
		}
		r := re.Rune[0]
		addRune(s, r)
		if re.Flags&syntax.FoldCase != 0 {
			for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
				addRune(s, f)
			}
		}
		return true
	case syntax.OpCharClass:
		for i := 0; i < len(re.Rune); i += 2 {
			addRange(s, re.Rune[i], re.Rune[i+1])
		}
		return true
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return false
	case syntax.OpCapture, syntax.OpPlus:
		return addFirst(s, re.Sub[0])
	case syntax.OpStar, syntax.OpQuest:
		return addFirst(s, re.Sub[0]) // what follows is handled by the enclosing sequence
	case syntax.OpRepeat:
		if re.Max == 0 {
			return true
		}
		return addFirst(s, re.Sub[0])
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			if !addFirst(s, sub) {
				return false
			}
		}
		return true
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if !addFirst(s, sub) {
				return false
			}
			if minLen(sub) > 0 {
				return true
			}
		}
		return true
	}
	// Empty-width assertions and empty matches add no byte of their own.
	return true
}

func addRune(s *ByteSet, r rune) {
	if r == utf8.RuneError {
		// Invalid bytes read as U+FFFD: any non-ASCII byte can start such a match.
		for b := 0x80; b < 0x100; b++ {
			s[b] = true
		}
	}
	var buf [utf8.UTFMax]byte
	utf8.EncodeRune(buf[:], r)
	s[buf[0]] = true
}

func addRange(s *ByteSet, lo, hi rune) {
	if lo <= utf8.RuneError && utf8.RuneError <= hi {
		addRune(s, utf8.RuneError)
	}
	for r := lo; r <= hi && r < utf8.RuneSelf; r++ {
		s[r] = true
	}
	if hi < utf8.RuneSelf {
		return
	}
	// Lead bytes grow with the rune: every lead byte between those of lo and hi occurs.
	var a, b [utf8.UTFMax]byte
	utf8.EncodeRune(a[:], max(lo, utf8.RuneSelf))
	utf8.EncodeRune(b[:], min(hi, unicode.MaxRune))
	for c := int(a[0]); c <= int(b[0]); c++ {
		s[c] = true
	}
}
