package normalize

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Ignorable reports whether r is removed before matching: format characters (zero-width space
// and joiners, bidi controls, tag characters, soft hyphen), variation selectors and the other
// default-ignorable code points (Hangul fillers, combining grapheme joiner).
func Ignorable(r rune) bool {
	if r < 0xAD {
		return false
	}
	return unicode.In(r, unicode.Cf, unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point)
}

// IsASCII reports whether b holds only ASCII bytes.
func IsASCII(b []byte) bool {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		w := uint64(b[i]) | uint64(b[i+1])<<8 | uint64(b[i+2])<<16 | uint64(b[i+3])<<24 |
			uint64(b[i+4])<<32 | uint64(b[i+5])<<40 | uint64(b[i+6])<<48 | uint64(b[i+7])<<56
		if w&0x8080808080808080 != 0 {
			return false
		}
	}
	for ; i < len(b); i++ {
		if b[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Text normalizes src: ignorable characters are removed, then NFKC is applied. It returns the
// normalized text and the maps back to src (innermost last; Chain.Start maps to src). ASCII text
// is returned as is, with no maps.
func Text(src []byte) ([]byte, Chain) {
	if IsASCII(src) {
		return src, nil
	}
	stripped, strip := stripIgnorable(src)
	out, nfkc := applyNFKC(stripped)
	var chain Chain
	if strip != nil {
		chain = append(chain, strip)
	}
	if nfkc != nil {
		chain = append(chain, nfkc)
	}
	return out, chain
}

// stripIgnorable removes ignorable runes; the map is nil when none were present.
func stripIgnorable(src []byte) ([]byte, *Map) {
	if i, _ := nextIgnorable(src); i < 0 {
		return src, nil
	}
	m := &Map{}
	return appendStripped(make([]byte, 0, len(src)), m, src), m
}

// appendStripped appends src without its ignorable runes to dst, and the units that map it to m.
func appendStripped(dst []byte, m *Map, src []byte) []byte {
	for len(src) > 0 {
		i, n := nextIgnorable(src)
		if i < 0 {
			dst = append(dst, src...)
			m.Add(len(src), len(src))
			break
		}
		dst = append(dst, src[:i]...)
		m.Add(i, i)
		m.Add(0, n)
		src = src[i+n:]
	}
	return dst
}

// nextIgnorable returns the offset and length of the first ignorable rune of src, or -1.
func nextIgnorable(src []byte) (int, int) {
	for i := 0; i < len(src); {
		if src[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(src[i:])
		if Ignorable(r) {
			return i, n
		}
		i += n
	}
	return -1, 0
}

// applyNFKC normalizes to NFKC; the map is nil when the text was already normal.
func applyNFKC(src []byte) ([]byte, *Map) {
	if IsASCII(src) || norm.NFKC.QuickSpan(src) == len(src) {
		return src, nil
	}
	m := &Map{}
	out := appendNFKC(make([]byte, 0, len(src)+len(src)/8), m, src, true)
	return out, m
}

// appendNFKC appends the NFKC form of src to out and its units to m. Text that is already
// normal maps byte for byte; every other normalization segment (from one boundary to the next)
// is a unit of its own, so the map does not depend on how the text was cut, provided each cut
// is at a boundary. atEOF is false when more text follows src.
func appendNFKC(out []byte, m *Map, src []byte, atEOF bool) []byte {
	for len(src) > 0 {
		if n := norm.NFKC.QuickSpan(src); n > 0 {
			out = append(out, src[:n]...)
			m.Add(n, n)
			src = src[n:]
			continue
		}
		k := norm.NFKC.NextBoundary(src, atEOF)
		if k <= 0 {
			k = len(src)
		}
		before := len(out)
		out = norm.NFKC.Append(out, src[:k]...)
		m.Add(len(out)-before, k)
		src = src[k:]
	}
	return out
}

// LowerASCII writes the ASCII lower-case form of src into dst (grown as needed) and returns it.
// Non-ASCII bytes are copied unchanged, so offsets are preserved.
func LowerASCII(dst, src []byte) []byte {
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
