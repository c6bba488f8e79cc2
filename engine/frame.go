package engine

import "github.com/oktsec/oktsec/ir"

// Inputs are framed the same way whole or streamed:
//
//   - Input whose first byte after white space is not '{' or '[' is one text unit, from that
//     byte to the end.
//   - Otherwise it is a sequence of JSON values (JSON-RPC messages, batches, JSON Lines), each
//     cut into units on its own (messageUnits). At the first value that is not an object or an
//     array, is not valid JSON, or is longer than the message limit, the input from that value
//     to the end is one text unit.
//
// A stream therefore holds at most one message (up to the limit) and, for text, a window.

// DefaultMessageLimit is the longest JSON value scanned as a message unless told otherwise:
// the largest frame an MCP stdio transport accepts. A longer value is scanned as text.
const DefaultMessageLimit = 16 << 20

// framer follows JSON text byte by byte to find where a top-level value ends. It tracks
// nesting, strings and escapes only; the value is validated when it is cut into units.
type framer struct {
	depth    int
	inString bool
	escaped  bool
}

// scan consumes p, the continuation of a value whose first byte was '{' or '[' (p may start
// with it), and returns the length of p up to and including the value's last byte, or -1 when
// the value goes on after p.
func (f *framer) scan(p []byte) int {
	for i := 0; i < len(p); i++ {
		c := p[i]
		if f.inString {
			switch {
			case f.escaped:
				f.escaped = false
			case c == '\\':
				f.escaped = true
			case c == '"':
				f.inString = false
			default:
				// Skip the plain run of the string in one step.
				j := i + 1
				for j < len(p) && p[j] != '"' && p[j] != '\\' {
					j++
				}
				i = j - 1
			}
			continue
		}
		switch c {
		case '"':
			f.inString = true
		case '{', '[':
			f.depth++
		case '}', ']':
			f.depth--
			if f.depth == 0 {
				return i + 1
			}
		}
	}
	return -1
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func opensValue(c byte) bool { return c == '{' || c == '[' }

// skipSpace returns the offset of the first byte at or after i that is not white space.
func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// Scan scans a whole input.
func (s *Scanner) Scan(input []byte) *Result {
	res := &Result{Verdict: Allow, Findings: []Finding{}}
	sc := s.getScratch()
	defer s.putScratch(sc)
	budget := newDecodeBudget()
	limit := s.messageLimit()
	pos := skipSpace(input, 0)
	for pos < len(input) && opensValue(input[pos]) {
		var f framer
		n := f.scan(input[pos:])
		if n < 0 || n > limit || !s.scanMessage(sc, input[pos:pos+n], pos, budget, res) {
			break
		}
		pos = skipSpace(input, pos+n)
	}
	if pos < len(input) {
		text := input[pos:]
		u := unit{surface: ir.Text, text: text, layer: LayerPlain}
		first := len(res.Findings)
		s.scanTree(sc, text, &u, budget, res)
		shiftFindings(res, first, pos)
	}
	res.finish()
	return res
}

// scanMessage scans one JSON value found at offset base of the input; it reports false, having
// scanned nothing, when the value is not valid JSON.
func (s *Scanner) scanMessage(sc *scratch, value []byte, base int, budget *decodeBudget, res *Result) bool {
	units, ok := messageUnits(value)
	if !ok {
		return false
	}
	first := len(res.Findings)
	for i := range units {
		s.scanTree(sc, value, &units[i], budget, res)
	}
	shiftFindings(res, first, base)
	return true
}

// shiftFindings moves the findings from index first on by delta bytes.
func shiftFindings(res *Result, first, delta int) {
	for i := first; i < len(res.Findings); i++ {
		res.Findings[i].Start += delta
		res.Findings[i].End += delta
	}
}
