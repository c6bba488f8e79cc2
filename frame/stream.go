package frame

import (
	"context"
	"fmt"

	"github.com/oktsec/oktsec/engine"
)

// Stream scans content that arrives in pieces, such as a chunked HTTP body or a stdio pipe,
// framed as its Spec says. Whatever the pieces, Close returns the findings Scan returns for
// the whole content. A stream holds at most one message (a JSON value, a JSON line or an SSE
// event, up to the message limit) and, for text, the engine's window (engine.TextStream); its
// memory does not grow with the content.
//
// Progress tells how far the content is judged, for a caller that holds content back until
// it is (a gateway forwarding a response as it streams). The most a caller holds back:
//
//   - JSON-RPC bodies and JSON Lines: the message (or line) being read, up to the message
//     limit (16 MiB by default); a longer value or line is scanned as text, as below.
//   - SSE: the event being read, up to the message limit; a longer event or line fails the
//     stream with ErrTooLarge rather than being passed on unjudged.
//   - Text: the text itself up to the engine's unit buffer (1 MiB by default), which is
//     scanned whole at Close; beyond it, the window: about the rule set's longest match plus
//     its longest literal and the open run of encoding characters (up to MaxEncodedRun), so a
//     long text flows with a lag of a few KiB. Rules that count or negate are only decided at
//     Close, so a caller that must honour them holds the end of the text until then.
//
// A stream is not safe for concurrent use.
type Stream struct {
	ctx     context.Context
	s       *engine.Scanner
	spec    Spec
	limit   int
	pending requests
	c       collector
	err     error

	state streamState
	off   int // bytes written so far
	// settled is the offset before which content is judged (complete messages, lines, events).
	settled int
	// The JSON value or line being read.
	end     valueEnd
	value   []byte
	valueAt int
	// The text being scanned, once the content (or a JSON line) turned out to be text.
	text   *engine.TextStream
	textAt int
	// sse parses an SSE body.
	sse *sseParser
}

type streamState int

const (
	betweenValues streamState = iota
	inValue
	inText
	inLine     // JSONL: a line held whole
	inLongLine // JSONL: a line longer than the limit, scanned as text up to its end
	inEvents   // SSE
	closed
)

// NewStream starts a stream of content framed as spec says. A done ctx makes Write and Close
// fail: a stream never returns a partial result.
func NewStream(ctx context.Context, s *engine.Scanner, spec Spec) *Stream {
	st := &Stream{ctx: ctx, s: s, spec: spec, limit: spec.messageLimit(), pending: requests{}}
	switch spec.format() {
	case Text:
		st.startText(0, nil)
	case JSONL:
		st.state = inLine
	case SSE:
		st.state = inEvents
		st.sse = newSSEParser(st.limit, st.event)
	}
	return st
}

// ErrClosed is returned by a stream written to after Close.
var ErrClosed = engine.ErrClosed

// Write scans the next piece of content. Once it has failed (the context is done, a frame is
// too large), it fails again with the same error.
func (st *Stream) Write(p []byte) (int, error) {
	if st.state == closed {
		return 0, ErrClosed
	}
	if st.err != nil {
		return 0, st.err
	}
	if err := st.ctx.Err(); err != nil {
		return 0, st.fail(fmt.Errorf("scan stopped before its end: %w", err))
	}
	n := len(p)
	for len(p) > 0 && st.err == nil {
		switch st.state {
		case betweenValues:
			i := skipSpace(p, 0)
			st.off += i
			p = p[i:]
			if len(p) == 0 {
				st.settled = st.off
				break
			}
			if opensValue(p[0]) {
				st.state, st.valueAt, st.end = inValue, st.off, valueEnd{}
				continue
			}
			if st.spec.format() == JSONRPC {
				st.c.note(noteNotJSON)
			}
			st.startText(st.off, nil)
		case inValue:
			k := st.end.scan(p)
			if k < 0 || len(st.value)+k > st.limit {
				if len(st.value)+len(p) > st.limit || k >= 0 {
					st.valueToText()
					continue
				}
				st.value = append(st.value, p...)
				st.off += len(p)
				p = nil
				break
			}
			st.value = append(st.value, p[:k]...)
			st.off += k
			p = p[k:]
			ok, err := scanMessage(st.ctx, st.s, &st.spec, st.value, st.pending, &st.c, shiftBy(st.valueAt))
			if err != nil {
				st.fail(err)
				break
			}
			if !ok {
				// Not JSON after all: the value and all that follows is text.
				st.valueToText()
				continue
			}
			st.value = st.value[:0]
			st.settled = st.off
			st.state = betweenValues
		case inText:
			st.writeText(p)
			st.off += len(p)
			p = nil
		case inLine:
			p = st.writeLine(p)
		case inLongLine:
			p = st.writeLongLine(p)
		case inEvents:
			if err := st.sse.write(p); err != nil {
				st.fail(err)
			}
			st.off += len(p)
			p = nil
		}
	}
	if st.err != nil {
		return 0, st.err
	}
	return n, nil
}

// fail records the error that ends the stream.
func (st *Stream) fail(err error) error {
	if st.err == nil {
		st.err = err
	}
	return st.err
}

// valueToText makes the value held, and all that follows, text.
func (st *Stream) valueToText() {
	if st.spec.format() == JSONRPC {
		st.c.note(noteNotJSON)
	}
	held := st.value
	st.value = nil
	st.startText(st.valueAt, held)
}

// startText makes the rest of the content, from offset at on, text that starts with the bytes
// held (already counted in st.off).
func (st *Stream) startText(at int, held []byte) {
	st.state = inText
	st.text, st.textAt = st.s.NewTextStream(st.ctx), at
	if len(held) > 0 {
		st.writeText(held)
	}
}

func (st *Stream) writeText(p []byte) {
	if _, err := st.text.Write(p); err != nil {
		st.fail(err)
	}
}

// endText closes the text being scanned and takes its findings.
func (st *Stream) endText() {
	res, err := st.text.Close()
	if err != nil {
		st.fail(err)
		return
	}
	st.c.add(res, shiftBy(st.textAt))
	st.text = nil
}

// writeLine takes JSONL content up to the end of the current line and returns the rest.
func (st *Stream) writeLine(p []byte) []byte {
	if len(st.value) == 0 {
		st.valueAt = st.off
	}
	i := indexNewline(p)
	if i < 0 {
		if len(st.value)+len(p) > st.limit {
			// Too long for a message: the line is text, scanned as it comes.
			held := st.value
			st.value = nil
			st.state, st.text, st.textAt = inLongLine, st.s.NewTextStream(st.ctx), st.valueAt
			st.writeText(held)
			return p
		}
		st.value = append(st.value, p...)
		st.off += len(p)
		return nil
	}
	st.value = append(st.value, p[:i]...)
	st.off += i + 1
	st.scanLine(st.valueAt)
	st.value = st.value[:0]
	st.settled = st.off
	return p[i+1:]
}

// scanLine scans the line held, which starts at input offset at: a JSON value is a message,
// anything else (but white space) text.
func (st *Stream) scanLine(at int) {
	line := st.value
	i := skipSpace(line, 0)
	if i == len(line) {
		return
	}
	if opensValue(line[i]) {
		var f valueEnd
		if n := f.scan(line[i:]); n > 0 && skipSpace(line, i+n) == len(line) {
			ok, err := scanMessage(st.ctx, st.s, &st.spec, line[i:i+n], st.pending, &st.c, shiftBy(at+i))
			if err != nil {
				st.fail(err)
				return
			}
			if ok {
				return
			}
		}
	}
	res, err := st.s.ScanText(st.ctx, line)
	if err != nil {
		st.fail(err)
		return
	}
	st.c.add(res, shiftBy(at))
}

// writeLongLine scans a long JSONL line as text up to its end and returns what follows.
func (st *Stream) writeLongLine(p []byte) []byte {
	i := indexNewline(p)
	if i < 0 {
		st.writeText(p)
		st.off += len(p)
		return nil
	}
	st.writeText(p[:i])
	st.off += i + 1
	st.endText()
	st.state = inLine
	st.settled = st.off
	return p[i+1:]
}

func indexNewline(p []byte) int {
	for i, c := range p {
		if c == '\n' {
			return i
		}
	}
	return -1
}

// event scans the data of one complete SSE event.
func (st *Stream) event(data []byte, segs []segment, end int) {
	if len(data) > 0 {
		err := scanSequence(st.ctx, st.s, &st.spec, data, st.pending, &st.c, offsetMap{segs: segs})
		if err != nil {
			st.fail(err)
			return
		}
	}
	st.settled = end
}

// Close ends the content and returns its findings. A stream that failed returns its error:
// no partial result stands.
func (st *Stream) Close() (*engine.Result, error) {
	if st.state == closed {
		return nil, ErrClosed
	}
	prev := st.state
	st.state = closed
	if st.err != nil {
		return nil, st.err
	}
	if err := st.ctx.Err(); err != nil {
		return nil, fmt.Errorf("scan stopped before its end: %w", err)
	}
	switch prev {
	case inValue:
		// A value cut short is not JSON: it is text.
		st.valueToText()
		st.endText()
	case inText, inLongLine:
		st.endText()
	case inLine:
		if len(st.value) > 0 {
			st.scanLine(st.valueAt)
		}
	case inEvents:
		if err := st.sse.close(); err != nil {
			st.fail(err)
		}
	}
	if st.err != nil {
		return nil, st.err
	}
	st.settled = st.off
	return st.c.result(), nil
}

// Progress is what a stream can tell before it ends.
type Progress struct {
	// Settled is the input offset before which content is judged: complete JSON messages,
	// JSON lines and SSE events (every rule), and in text the rules that can be decided early
	// (see engine.TextStream.Settled). Content before it may be passed on while the findings
	// allow it; rules that count or negate are decided at Close.
	Settled int
	// Findings made so far. Those of complete messages, lines and events are final.
	Findings []engine.Finding
}

// Progress reports what the stream has decided so far.
func (st *Stream) Progress() Progress {
	pr := Progress{Settled: st.settled, Findings: append([]engine.Finding(nil), st.c.findings...)}
	if st.text != nil {
		if st.state == inText {
			pr.Settled = max(pr.Settled, st.textAt+st.text.Settled())
		}
		for _, f := range st.text.Findings() {
			f.Start += st.textAt
			f.End += st.textAt
			pr.Findings = append(pr.Findings, f)
		}
	}
	return pr
}

// Offset returns the number of bytes written.
func (st *Stream) Offset() int { return st.off }
