// Package jsonscan walks JSON text and reports every string (keys and values) with its path, its
// decoded bytes (escapes undone) and a map from decoded offsets back to the input. It is a small
// hand-written scanner because the standard decoder reports neither string positions nor how
// escapes map to input bytes.
package jsonscan

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/oktsec/oktsec/normalize"
)

// MaxDepth bounds nesting; deeper input is rejected as not JSON.
const MaxDepth = 512

// MaxPath is how many leading steps of a string's path are reported.
const MaxPath = 3

// PathElem is one step of a path: an object key or an array index.
type PathElem struct {
	Key   string
	Index int // -1 for object keys
}

// String is one JSON string found in the input.
type String struct {
	// Path leads from the top-level value to the string (for a key, to the object holding it);
	// only its first MaxPath steps are kept, which is what classifying a message needs.
	Path []PathElem
	// IsKey is true for object keys.
	IsKey bool
	// Doc is the index of the top-level value the string belongs to (JSON Lines input has many).
	Doc int
	// Start and End are the offsets of the string's contents in the input (inside the quotes).
	Start, End int
	// Text is the decoded string.
	Text []byte
	// Escaped is true when the string held escapes, so Text differs from input[Start:End];
	// MapOf(input[Start:End]) then maps Text offsets back (computed only when needed, since
	// escapes are common and findings rare).
	Escaped bool
}

// MapOf returns the map from the decoded form of a string's raw contents (between the quotes,
// escapes included) to offsets in raw. The contents must be valid, as Scan accepted them.
func MapOf(raw []byte) *normalize.Map {
	m := &normalize.Map{}
	for i := 0; i < len(raw); {
		if raw[i] != '\\' {
			j := i + 1
			for j < len(raw) && raw[j] != '\\' {
				j++
			}
			m.Add(j-i, j-i)
			i = j
			continue
		}
		r, n := unescape(raw, i)
		if n == 0 { // not reachable for contents Scan accepted; keep the byte as it is
			r, n = rune(raw[i]), 1
		}
		m.Add(utf8.RuneLen(r), n)
		i += n
	}
	return m
}

// unescape decodes the escape at raw[i] (a backslash); it returns the rune and the escape's
// length, or n == 0 when the escape is invalid.
func unescape(raw []byte, i int) (r rune, n int) {
	if i+1 >= len(raw) {
		return 0, 0
	}
	switch e := raw[i+1]; e {
	case '"', '\\', '/':
		return rune(e), 2
	case 'b':
		return '\b', 2
	case 'f':
		return '\f', 2
	case 'n':
		return '\n', 2
	case 'r':
		return '\r', 2
	case 't':
		return '\t', 2
	case 'u':
		v, ok := hex4(raw, i+2)
		if !ok {
			return 0, 0
		}
		r = rune(v)
		if !utf16.IsSurrogate(r) {
			return r, 6
		}
		if w, ok := hex4(raw, i+8); ok && raw[i+6] == '\\' && raw[i+7] == 'u' {
			if pair := utf16.DecodeRune(rune(v), rune(w)); pair != utf8.RuneError {
				return pair, 12
			}
		}
		return utf8.RuneError, 6
	}
	return 0, 0
}

// Value is a top-level JSON value with its scalar fields needed to classify it.
type Value struct {
	Start, End int
}

// ErrNotJSON wraps every syntax error.
var ErrNotJSON = errors.New("not JSON")

type scanner struct {
	in   []byte
	pos  int
	path []PathElem
	doc  int
	emit func(String)
}

// Scan walks every top-level value of in (one JSON value, or several separated by white space as
// in JSON Lines) and calls emit for each string. It returns the top-level values' spans, or an
// error wrapping ErrNotJSON.
func Scan(in []byte, emit func(String)) ([]Value, error) {
	s := &scanner{in: in, emit: emit}
	var docs []Value
	s.skipSpace()
	if s.pos == len(in) {
		return nil, fmt.Errorf("%w: empty input", ErrNotJSON)
	}
	for s.pos < len(in) {
		start := s.pos
		if err := s.value(0); err != nil {
			return nil, err
		}
		docs = append(docs, Value{Start: start, End: s.pos})
		s.doc++
		s.skipSpace()
	}
	return docs, nil
}

// pathCopy returns the first MaxPath steps of the current path.
func (s *scanner) pathCopy() []PathElem {
	if len(s.path) == 0 {
		return nil
	}
	return append([]PathElem(nil), s.path[:min(len(s.path), MaxPath)]...)
}

func (s *scanner) errorf(format string, args ...any) error {
	return fmt.Errorf("%w: offset %d: %s", ErrNotJSON, s.pos, fmt.Sprintf(format, args...))
}

func (s *scanner) skipSpace() {
	for s.pos < len(s.in) {
		switch s.in[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

func (s *scanner) value(depth int) error {
	if depth > MaxDepth {
		return s.errorf("nesting deeper than %d", MaxDepth)
	}
	s.skipSpace()
	if s.pos >= len(s.in) {
		return s.errorf("unexpected end of input")
	}
	switch c := s.in[s.pos]; {
	case c == '{':
		return s.object(depth)
	case c == '[':
		return s.array(depth)
	case c == '"':
		str, err := s.str()
		if err != nil {
			return err
		}
		str.Path = s.pathCopy()
		s.emit(str)
		return nil
	case c == 't':
		return s.word("true")
	case c == 'f':
		return s.word("false")
	case c == 'n':
		return s.word("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return s.number()
	default:
		return s.errorf("unexpected character %q", c)
	}
}

func (s *scanner) word(w string) error {
	if len(s.in)-s.pos < len(w) || string(s.in[s.pos:s.pos+len(w)]) != w {
		return s.errorf("invalid literal")
	}
	s.pos += len(w)
	return nil
}

func (s *scanner) number() error {
	start := s.pos
	if s.in[s.pos] == '-' {
		s.pos++
	}
	digits := func() int {
		n := 0
		for s.pos < len(s.in) && s.in[s.pos] >= '0' && s.in[s.pos] <= '9' {
			s.pos++
			n++
		}
		return n
	}
	if digits() == 0 {
		return s.errorf("invalid number")
	}
	if s.pos < len(s.in) && s.in[s.pos] == '.' {
		s.pos++
		if digits() == 0 {
			return s.errorf("invalid number")
		}
	}
	if s.pos < len(s.in) && (s.in[s.pos] == 'e' || s.in[s.pos] == 'E') {
		s.pos++
		if s.pos < len(s.in) && (s.in[s.pos] == '+' || s.in[s.pos] == '-') {
			s.pos++
		}
		if digits() == 0 {
			return s.errorf("invalid number")
		}
	}
	if s.pos == start {
		return s.errorf("invalid number")
	}
	return nil
}

func (s *scanner) object(depth int) error {
	s.pos++ // {
	s.skipSpace()
	if s.pos < len(s.in) && s.in[s.pos] == '}' {
		s.pos++
		return nil
	}
	for {
		s.skipSpace()
		if s.pos >= len(s.in) || s.in[s.pos] != '"' {
			return s.errorf("expected object key")
		}
		key, err := s.str()
		if err != nil {
			return err
		}
		key.Path = s.pathCopy()
		key.IsKey = true
		s.emit(key)
		s.skipSpace()
		if s.pos >= len(s.in) || s.in[s.pos] != ':' {
			return s.errorf("expected ':' after object key")
		}
		s.pos++
		s.path = append(s.path, PathElem{Key: string(key.Text), Index: -1})
		if err := s.value(depth + 1); err != nil {
			return err
		}
		s.path = s.path[:len(s.path)-1]
		s.skipSpace()
		if s.pos >= len(s.in) {
			return s.errorf("unterminated object")
		}
		switch s.in[s.pos] {
		case ',':
			s.pos++
		case '}':
			s.pos++
			return nil
		default:
			return s.errorf("expected ',' or '}' in object")
		}
	}
}

func (s *scanner) array(depth int) error {
	s.pos++ // [
	s.skipSpace()
	if s.pos < len(s.in) && s.in[s.pos] == ']' {
		s.pos++
		return nil
	}
	for i := 0; ; i++ {
		s.path = append(s.path, PathElem{Index: i})
		if err := s.value(depth + 1); err != nil {
			return err
		}
		s.path = s.path[:len(s.path)-1]
		s.skipSpace()
		if s.pos >= len(s.in) {
			return s.errorf("unterminated array")
		}
		switch s.in[s.pos] {
		case ',':
			s.pos++
		case ']':
			s.pos++
			return nil
		default:
			return s.errorf("expected ',' or ']' in array")
		}
	}
}

// str decodes the string starting at the opening quote.
func (s *scanner) str() (String, error) {
	s.pos++ // opening quote
	start := s.pos
	// Fast path: no escapes.
	i := s.pos
	for i < len(s.in) {
		c := s.in[i]
		if c == '"' {
			s.pos = i + 1
			return String{Doc: s.doc, Start: start, End: i, Text: s.in[start:i]}, nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
		i++
	}
	var out []byte
	out = append(out, s.in[start:i]...)
	for i < len(s.in) {
		c := s.in[i]
		switch {
		case c == '"':
			s.pos = i + 1
			return String{Doc: s.doc, Start: start, End: i, Text: out, Escaped: true}, nil
		case c < 0x20:
			s.pos = i
			return String{}, s.errorf("control character in string")
		case c != '\\':
			j := i + 1
			for j < len(s.in) && s.in[j] != '"' && s.in[j] != '\\' && s.in[j] >= 0x20 {
				j++
			}
			out = append(out, s.in[i:j]...)
			i = j
			continue
		}
		r, n := unescape(s.in, i)
		if n == 0 {
			s.pos = i
			return String{}, s.errorf("invalid escape")
		}
		out = utf8.AppendRune(out, r)
		i += n
	}
	s.pos = i
	return String{}, s.errorf("unterminated string")
}

func hex4(b []byte, at int) (uint64, bool) {
	if at+4 > len(b) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(b[at:at+4]), 16, 32)
	return v, err == nil
}
