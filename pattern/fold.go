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
	foldRare  []bool   // BMP runes longer than the shortest member of their case orbit
)

func buildFoldTables() {
	foldCanon = make([]uint16, 0x10000)
	foldRare = make([]bool, 0x10000)
	for r := rune(0); r < 0x10000; r++ {
		c, rare := canonSlow(r)
		foldCanon[r] = uint16(c)
		foldRare[r] = rare
	}
}

// canonSlow returns the lowest member of r's case orbit that has r's UTF-8 length (ASCII
// letters fold to lower case), and whether a shorter member exists (r is a rare form, such as
// U+212A KELVIN SIGN for k or U+017F LONG S for s, which folding cannot bring to its short
// form without changing offsets).
func canonSlow(r rune) (rune, bool) {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r, false
	}
	n := utf8.RuneLen(r)
	canon, rare := r, false
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if m := utf8.RuneLen(f); m != n {
			rare = rare || m < n
			continue
		}
		if f < canon {
			canon = f
		}
	}
	return canon, rare
}

// hasRareVariant reports whether r's case orbit holds a member longer than r: a
// case-insensitive literal holding r may then match text holding that longer form.
func hasRareVariant(r rune) bool {
	n := utf8.RuneLen(r)
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if utf8.RuneLen(f) > n {
			return true
		}
	}
	return false
}

// Canon returns the case-folded form of r that the prefilter compares, and whether r is a rare
// form: its case orbit holds a shorter rune (U+212A KELVIN SIGN and k), which folding cannot
// bring together.
func Canon(r rune) (rune, bool) {
	if r < 0 || r >= 0x10000 {
		return canonSlow(r)
	}
	foldOnce.Do(buildFoldTables)
	return rune(foldCanon[r]), foldRare[r]
}

// Fold folds s the way the prefilter folds literals and text (see Canon).
func Fold(s string) string { return canonString(s) }

// canonString folds every rune of s with Canon. Invalid UTF-8 stays as is, as FoldText leaves
// it.
func canonString(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			out = append(out, s[i])
			i++
			continue
		}
		c, _ := Canon(r)
		out = utf8.AppendRune(out, c)
		i += n
	}
	return string(out)
}

// FoldText writes the folded form of text into dst (grown as needed). The result has the same
// length as text, byte for byte aligned. It appends to hazards the offset of every rare form
// (see Canon): case-insensitive patterns may match there although their folded literals do
// not occur. Invalid UTF-8 is copied unchanged.
func FoldText(dst, text []byte, hazards []int) ([]byte, []int) {
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
		f, rare := Canon(r)
		if rare {
			hazards = append(hazards, i)
		}
		utf8.EncodeRune(dst[i:i+n], f)
		i += n
	}
	return dst, hazards
}
