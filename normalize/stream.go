package normalize

import (
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxPending bounds the text held back while waiting for a normalization boundary. Only text
// with thousands of combining marks in a row reaches it; it is then cut at a rune start.
const maxPending = 4 << 10

// Stream normalizes text that arrives in pieces. Cut anywhere, the pieces give the output of
// Text on the whole text, and Chain maps it the same way.
type Stream struct {
	strip, nfkc Map
	// carry holds the bytes of a rune split by the end of the last piece.
	carry []byte
	// pending holds stripped text after the last normalization boundary.
	pending []byte
}

// Chain returns the maps from the output to the source, as Text returns them.
func (s *Stream) Chain() Chain { return Chain{&s.strip, &s.nfkc} }

// Write normalizes what it can of src, appends it to out and returns out. Text after the last
// boundary is held until more arrives or Close.
func (s *Stream) Write(out, src []byte) []byte {
	if len(s.carry) > 0 {
		src = append(s.carry, src...)
	}
	n := CompleteRunes(src)
	out = s.push(out, src[:n], false)
	s.carry = append(s.carry[:0:0], src[n:]...)
	return out
}

// Close normalizes what is held back and appends it to out.
func (s *Stream) Close(out []byte) []byte {
	out = s.push(out, s.carry, true)
	s.carry = s.carry[:0]
	return out
}

// Forget drops map units before the given output and source offsets (see Map.Forget).
func (s *Stream) Forget(out, src int) {
	stripped := s.nfkc.Start(out)
	s.nfkc.Forget(out, stripped)
	s.strip.Forget(stripped, src)
}

// CompleteRunes returns the length of the prefix of b that holds no rune cut short at its end.
func CompleteRunes(b []byte) int {
	for k := 1; k < utf8.UTFMax && k <= len(b); k++ {
		c := b[len(b)-k]
		if c < utf8.RuneSelf {
			return len(b)
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRune(b[len(b)-k:]) {
				return len(b) - k
			}
			return len(b)
		}
	}
	return len(b)
}

// push strips ignorables from src (complete runes), then normalizes up to the last boundary.
func (s *Stream) push(out, src []byte, atEOF bool) []byte {
	s.pending = appendStripped(s.pending, &s.strip, src)
	cut := len(s.pending)
	if !atEOF {
		cut = norm.NFKC.LastBoundary(s.pending)
		if cut <= 0 && len(s.pending) > maxPending {
			cut = len(s.pending) - completeRuneTail(s.pending)
		}
		if cut <= 0 {
			return out
		}
	}
	out = appendNFKC(out, &s.nfkc, s.pending[:cut], true)
	s.pending = append(s.pending[:0], s.pending[cut:]...)
	return out
}

// completeRuneTail returns the length of the last rune of b.
func completeRuneTail(b []byte) int {
	_, n := utf8.DecodeLastRune(b)
	return n
}
