package pattern

import (
	"sync"
	"unicode"
	"unicode/utf8"
)

// The prefilter compares literals and text after folding case with Canon, which keeps every
// rune's UTF-8 length so offsets in the folded text are offsets in the text.

var (
	foldOnce  sync.Once
	foldCanon []uint16 // canonical rune of each BMP rune
	foldMixed []bool   // BMP runes whose case orbit has members of another length
)

func buildFoldTables() {
	foldCanon = make([]uint16, 0x10000)
	foldMixed = make([]bool, 0x10000)
	for r := rune(0); r < 0x10000; r++ {
		c, mixed := canonSlow(r)
		foldCanon[r] = uint16(c)
		foldMixed[r] = mixed
	}
}

// canonSlow returns the lowest member of r's case orbit that has r's UTF-8 length (ASCII
// letters fold to lower case), and whether the orbit has members of other lengths.
func canonSlow(r rune) (rune, bool) {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r, r == 'k' || r == 's'
	}
	n := utf8.RuneLen(r)
	canon, mixed := r, false
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if utf8.RuneLen(f) != n {
			mixed = true
			continue
		}
		if f < canon {
			canon = f
		}
	}
	return canon, mixed
}

// Canon returns the case-folded form of r that the prefilter compares, and whether r's case
// orbit holds runes of another UTF-8 length (such as k and U+212A KELVIN SIGN), which folding
// cannot bring together.
func Canon(r rune) (rune, bool) {
	if r < 0 || r >= 0x10000 {
		return canonSlow(r)
	}
	foldOnce.Do(buildFoldTables)
	return rune(foldCanon[r]), foldMixed[r]
}

// canonString folds every rune of s with Canon; mixed reports whether any rune had a
// mixed-length orbit.
func canonString(s string) (string, bool) {
	out := make([]byte, 0, len(s))
	mixed := false
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			out = append(out, s[i]) // invalid UTF-8 stays as is, as FoldText leaves it
			i++
			continue
		}
		c, m := Canon(r)
		mixed = mixed || m
		out = utf8.AppendRune(out, c)
		i += n
	}
	return string(out), mixed
}

// FoldText writes the folded form of text into dst (grown as needed). The result has the same
// length as text, byte for byte aligned. hazard is true when text holds a non-ASCII rune whose
// case orbit has runes of another length: case-insensitive patterns may then match where the
// folded literals do not occur. Invalid UTF-8 is copied unchanged.
func FoldText(dst, text []byte) (out []byte, hazard bool) {
	if cap(dst) < len(text) {
		dst = make([]byte, len(text))
	}
	dst = dst[:len(text)]
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst[i] = c
			i++
			continue
		}
		r, n := utf8.DecodeRune(text[i:])
		if r == utf8.RuneError && n == 1 {
			dst[i] = c
			i++
			continue
		}
		f, mixed := Canon(r)
		hazard = hazard || mixed
		utf8.EncodeRune(dst[i:i+n], f)
		i += n
	}
	return dst, hazard
}
