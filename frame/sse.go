package frame

import (
	"bytes"
	"fmt"
)

// An SSE body (text/event-stream, as the MCP Streamable HTTP transport sends) is parsed as the
// HTML standard says: lines end in CRLF, LF or CR; a line starting with ':' is a comment; other
// lines are "field: value" (one leading space of the value dropped) or a bare field name; a
// blank line dispatches the event. The data lines of an event, joined by LF, are its data,
// which is scanned as a JSON-RPC message (or as text, if it is not JSON) once the event is
// complete. Comments and the event, id and retry fields never reach an MCP client's model and
// are not scanned. A UTF-8 byte order mark at the start is skipped.
//
// Offsets of findings in an event's data are mapped back to the body through the data's
// segments, one per data line.

// segment maps n bytes of an event's data, from data offset data on, to the body at input.
type segment struct {
	data, input, n int
}

// sseParser parses an SSE body incrementally; lines and events may be split across writes at
// any byte.
type sseParser struct {
	limit int
	emit  func(data []byte, segs []segment, end int)

	off    int    // body bytes consumed
	line   []byte // the current line, without its end
	lineAt int    // body offset of the current line
	skipLF bool   // the last line ended in CR: a LF right after belongs to it
	bom    int    // bytes of the byte order mark matched so far (-1: past the start)
	data   []byte
	segs   []segment
	open   bool // an event has lines (fields) since the last dispatch
}

func newSSEParser(limit int, emit func([]byte, []segment, int)) *sseParser {
	return &sseParser{limit: limit, emit: emit}
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// write parses the next piece of the body.
func (p *sseParser) write(b []byte) error {
	for len(b) > 0 {
		if p.bom >= 0 {
			if b[0] == utf8BOM[p.bom] && p.off == p.bom {
				p.bom++
				p.off++
				b = b[1:]
				if p.bom == len(utf8BOM) {
					p.bom = -1
					p.lineAt = p.off
				}
				continue
			}
			if p.bom > 0 {
				// A partial mark is ordinary text of the first line.
				p.line = append(p.line, utf8BOM[:p.bom]...)
				p.lineAt = 0
			}
			p.bom = -1
		}
		if p.skipLF {
			p.skipLF = false
			if b[0] == '\n' {
				p.off++
				p.lineAt = p.off
				b = b[1:]
				if !p.open && len(p.segs) == 0 {
					// The LF of a CRLF that ended an event or a comment between events.
					p.emit(nil, nil, p.off)
				}
				continue
			}
		}
		i := bytes.IndexAny(b, "\r\n")
		if i < 0 {
			if len(p.line)+len(b) > p.limit {
				return fmt.Errorf("%w: an SSE line is longer than %d bytes", ErrTooLarge, p.limit)
			}
			p.line = append(p.line, b...)
			p.off += len(b)
			return nil
		}
		if len(p.line)+i > p.limit {
			return fmt.Errorf("%w: an SSE line is longer than %d bytes", ErrTooLarge, p.limit)
		}
		p.line = append(p.line, b[:i]...)
		p.off += i + 1
		p.skipLF = b[i] == '\r'
		b = b[i+1:]
		if err := p.endLine(); err != nil {
			return err
		}
		p.line = p.line[:0]
		p.lineAt = p.off
	}
	return nil
}

// endLine interprets the complete line held.
func (p *sseParser) endLine() error {
	line := p.line
	if len(line) == 0 {
		p.dispatch()
		return nil
	}
	if line[0] == ':' {
		return nil // a comment
	}
	p.open = true
	name, value, found := bytes.Cut(line, []byte(":"))
	valueAt := p.lineAt + len(name) + 1
	if !found {
		value, valueAt = nil, p.lineAt+len(line)
	} else if len(value) > 0 && value[0] == ' ' {
		value, valueAt = value[1:], valueAt+1
	}
	if string(name) != "data" {
		return nil // event, id, retry and unknown fields
	}
	if len(p.segs) > 0 {
		// Lines are joined by LF, which points at the end of the line before.
		last := p.segs[len(p.segs)-1]
		p.segs = append(p.segs, segment{data: len(p.data), input: last.input + last.n, n: 0})
		p.data = append(p.data, '\n')
	}
	if len(p.data)+len(value) > p.limit {
		return fmt.Errorf("%w: an SSE event's data is longer than %d bytes", ErrTooLarge, p.limit)
	}
	p.segs = append(p.segs, segment{data: len(p.data), input: valueAt, n: len(value)})
	p.data = append(p.data, value...)
	return nil
}

// dispatch ends the event: its data is handed on, and the body is judged up to here.
func (p *sseParser) dispatch() {
	if p.open || len(p.segs) > 0 {
		p.emit(p.data, p.segs, p.off)
	} else {
		p.emit(nil, nil, p.off)
	}
	p.data, p.segs, p.open = p.data[:0], p.segs[:0], false
}

// close ends the body: an event without its blank line is still scanned, since a client may
// act on it.
func (p *sseParser) close() error {
	if p.bom > 0 {
		p.line = append(p.line, utf8BOM[:p.bom]...)
	}
	if len(p.line) > 0 {
		if err := p.endLine(); err != nil {
			return err
		}
	}
	if p.open || len(p.segs) > 0 {
		p.emit(p.data, p.segs, p.off)
	}
	return nil
}
