// Package decode finds encoded blobs inside text — base64 (standard and URL-safe), percent
// encoding and hex — and decodes them, with a map from decoded bytes back to the encoded text,
// so that rules can be run on what the encoding hides.
package decode

import (
	"unicode/utf8"

	"github.com/oktsec/oktsec/normalize"
)

// Kind names an encoding; it is the layer name of findings made in its decoded text.
type Kind string

// Encodings recognized.
const (
	Base64  Kind = "base64"
	Percent Kind = "url"
	Hex     Kind = "hex"
)

// Minimum sizes of a blob worth decoding: shorter runs are ordinary words and numbers.
const (
	minBase64Run  = 24 // encoded characters (18 decoded bytes)
	minHexRun     = 32 // digits (16 decoded bytes)
	minPercentEsc = 3  // %XX escapes in one run
)

// Blob is one decoded blob.
type Blob struct {
	Kind Kind
	// Start and End locate the encoded text.
	Start, End int
	// Text is the decoded content.
	Text []byte
	// Map maps offsets of Text to offsets of the encoded text it was found in (not relative to
	// Start: Map.Start(0) == Start).
	Map *normalize.Map
}

// Find returns the blobs of text that decode to text (valid UTF-8, mostly printable), in order
// and without overlap. At most limit bytes of decoded text are returned in total; truncated
// reports whether blobs were left out for that reason.
func Find(text []byte, limit int) (blobs []Blob, truncated bool) {
	used := 0
	for i := 0; i < len(text); {
		floor := 0 // where a blob may start: after the previous one
		if len(blobs) > 0 {
			floor = blobs[len(blobs)-1].End
		}
		b, next := findAt(text, i, floor)
		if b == nil {
			i = next
			continue
		}
		if used+len(b.Text) > limit {
			return blobs, true
		}
		used += len(b.Text)
		blobs = append(blobs, *b)
		i = next
	}
	return blobs, false
}

// findAt looks for a blob at i (a percent-encoded one may start before i, but not before
// floor); it returns the blob or nil, and where to go on.
func findAt(text []byte, i, floor int) (*Blob, int) {
	c := text[i]
	switch {
	case c == '%':
		return percentAt(text, i, floor)
	case isBase64(c):
		j := i
		for j < len(text) && isBase64(text[j]) {
			j++
		}
		end := j
		for end < len(text) && end-j < 2 && text[end] == '=' {
			end++
		}
		if b := hexBlob(text, i, j); b != nil {
			return b, end
		}
		if b := base64Blob(text, i, j, end); b != nil {
			return b, end
		}
		if j == i {
			return nil, i + 1
		}
		return nil, end
	}
	return nil, i + 1
}

func isBase64(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/' || c == '-' || c == '_'
}

func hexValue(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// hexBlob decodes text[i:j] when it is all hex digits, long enough and of even length.
func hexBlob(text []byte, i, j int) *Blob {
	n := j - i
	if n < minHexRun || n%2 != 0 {
		return nil
	}
	out := make([]byte, n/2)
	for k := range out {
		hi, ok1 := hexValue(text[i+2*k])
		lo, ok2 := hexValue(text[i+2*k+1])
		if !ok1 || !ok2 {
			return nil
		}
		out[k] = hi<<4 | lo
	}
	if !textual(out) {
		return nil
	}
	m := &normalize.Map{}
	m.Add(0, i)
	for range out {
		m.Add(1, 2)
	}
	return &Blob{Kind: Hex, Start: i, End: j, Text: out, Map: m}
}

var (
	stdDecode = decodeTable("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
	urlDecode = decodeTable("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
)

func decodeTable(alphabet string) [256]int8 {
	var t [256]int8
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = int8(i)
	}
	return t
}

// base64Blob decodes the run text[i:j] (padding up to end) as standard or URL-safe base64.
func base64Blob(text []byte, i, j, end int) *Blob {
	if j-i < minBase64Run {
		return nil
	}
	table := &stdDecode
	for _, c := range text[i:j] {
		if c == '-' || c == '_' {
			table = &urlDecode
			break
		}
	}
	run := text[i:j]
	out := make([]byte, 0, len(run)*3/4)
	var acc uint32
	bits := 0
	for _, c := range run {
		v := table[c]
		if v < 0 {
			return nil // a mix of both alphabets
		}
		acc = acc<<6 | uint32(v)
		bits += 6
		if bits >= 8 {
			bits -= 8
			out = append(out, byte(acc>>uint(bits)))
		}
	}
	if len(out) == 0 || !textual(out) {
		return nil
	}
	// Base64 encodes 3 bytes in 4 characters: map each group as a whole.
	m := &normalize.Map{}
	m.Add(0, i)
	for k := 0; k < len(out); k += 3 {
		m.Add(min(3, len(out)-k), min(4, len(run)-k/3*4))
	}
	return &Blob{Kind: Base64, Start: i, End: end, Text: out, Map: m}
}

// percentAt decodes a run of text that holds percent escapes, at a '%'.
func percentAt(text []byte, i, floor int) (*Blob, int) {
	// Extend left to the start of the run of URL characters, so "cmd%3Dcat%20..." decodes whole,
	// but not into the previous blob (a base64 run right before the first '%').
	start := i
	for start > floor && urlChar(text[start-1]) {
		start--
	}
	var out []byte
	m := &normalize.Map{}
	m.Add(0, start)
	escapes := 0
	j := start
	for j < len(text) && (urlChar(text[j]) || text[j] == '%') {
		if text[j] == '%' && j+2 < len(text) {
			hi, ok1 := hexValue(text[j+1])
			lo, ok2 := hexValue(text[j+2])
			if ok1 && ok2 {
				out = append(out, hi<<4|lo)
				m.Add(1, 3)
				escapes++
				j += 3
				continue
			}
		}
		c := text[j]
		if c == '+' {
			c = ' '
		}
		out = append(out, c)
		m.Add(1, 1)
		j++
	}
	if escapes < minPercentEsc || !textual(out) {
		return nil, max(j, i+1)
	}
	return &Blob{Kind: Percent, Start: start, End: j, Text: out, Map: m}, j
}

func urlChar(c byte) bool {
	return isBase64(c) || c == '.' || c == '~' || c == '=' || c == '&' || c == ':' || c == ';' || c == ',' || c == '!' || c == '*' || c == '\'' || c == '(' || c == ')' || c == '@' || c == '$' || c == '?' || c == '#'
}

// textual reports whether decoded bytes are text worth scanning: valid UTF-8 with few control
// characters. Random binary (images, compressed data) is not.
func textual(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	ctrl := 0
	for _, c := range b {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' {
			ctrl++
		}
	}
	return ctrl*20 <= len(b)
}

// InRun reports whether c can be part of an encoded blob: a URL character or '%'. No blob spans
// a byte outside these, so Find gives the same blobs on each run of such bytes as on the text
// that holds them.
func InRun(c byte) bool { return inRun[c] }

var inRun = func() (t [256]bool) {
	for c := range t {
		t[c] = urlChar(byte(c)) || c == '%'
	}
	return t
}()

// MinRun is the length of the shortest run of encoding characters that can hold a blob.
const MinRun = minPercentEsc * 3
