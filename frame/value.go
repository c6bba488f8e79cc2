package frame

// valueEnd follows JSON text byte by byte to find where a top-level value ends. It tracks
// nesting, strings and escapes only; the value is validated when it is cut into units.
type valueEnd struct {
	depth    int
	inString bool
	escaped  bool
}

// scan consumes p, the continuation of a value whose first byte was '{' or '[' (p may start
// with it), and returns the length of p up to and including the value's last byte, or -1 when
// the value goes on after p.
func (f *valueEnd) scan(p []byte) int {
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
