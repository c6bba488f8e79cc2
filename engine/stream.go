package engine

import (
	"errors"

	"github.com/oktsec/oktsec/ir"
)

// ErrClosed is returned by a stream written to after Close.
var ErrClosed = errors.New("stream is closed")

// Stream scans content that arrives in pieces, such as a chunked HTTP body. Whatever the
// pieces, Close returns the Result that Scanner.Scan returns for the whole content. A stream
// holds at most one JSON message (up to the scanner's message limit) and, for text, a window
// of the rule set's longest match plus the open run of encoding characters (see window.go);
// its memory does not grow with the content.
//
// A stream is not safe for concurrent use.
type Stream struct {
	s      *Scanner
	budget *decodeBudget
	res    *Result
	limit  int

	state streamState
	off   int // bytes written so far
	// The JSON value being read.
	frame    framer
	value    []byte
	valueAt  int
	messages int // offset after the last message scanned
	// The text unit, once the input turned out to be text.
	text *textUnit
	err  error
}

type streamState int

const (
	betweenValues streamState = iota
	inValue
	inText
	closed
)

// NewStream starts a stream.
func (s *Scanner) NewStream() *Stream {
	return &Stream{s: s, budget: newDecodeBudget(), res: &Result{Verdict: Allow, Findings: []Finding{}}, limit: s.messageLimit()}
}

// Write scans the next piece of content. It fails only after Close.
func (st *Stream) Write(p []byte) (int, error) {
	if st.state == closed {
		return 0, ErrClosed
	}
	n := len(p)
	for len(p) > 0 {
		switch st.state {
		case betweenValues:
			i := skipSpace(p, 0)
			st.off += i
			p = p[i:]
			if len(p) == 0 {
				break
			}
			if opensValue(p[0]) {
				st.state, st.valueAt, st.frame = inValue, st.off, framer{}
				continue
			}
			st.startText(st.off, nil)
		case inValue:
			end := st.frame.scan(p)
			if end < 0 {
				if len(st.value)+len(p) > st.limit {
					st.startText(st.valueAt, st.value)
					continue
				}
				st.value = append(st.value, p...)
				st.off += len(p)
				p = nil
				break
			}
			if len(st.value)+end > st.limit {
				st.startText(st.valueAt, st.value)
				continue
			}
			st.value = append(st.value, p[:end]...)
			st.off += end
			p = p[end:]
			sc := st.s.getScratch()
			ok := st.s.scanMessage(sc, st.value, st.valueAt, st.budget, st.res)
			st.s.putScratch(sc)
			if !ok {
				// Not JSON after all: the value and all that follows is text.
				st.startText(st.valueAt, st.value)
				continue
			}
			st.value = st.value[:0]
			st.messages = st.off
			st.state = betweenValues
		case inText:
			st.text.write(p)
			st.off += len(p)
			p = nil
		}
	}
	return n, nil
}

// startText makes the rest of the input, from offset at on, one text unit that starts with
// the bytes held (already counted in st.off).
func (st *Stream) startText(at int, held []byte) {
	st.state = inText
	st.text = &textUnit{s: st.s, start: at, budget: st.budget, res: st.res}
	if len(held) > 0 {
		st.text.write(held)
	}
	st.value = nil
}

// Close ends the stream and returns the findings of all content written.
func (st *Stream) Close() (*Result, error) {
	if st.state == closed {
		return nil, ErrClosed
	}
	if st.state == inValue {
		// A value cut short is not JSON: it is text.
		st.startText(st.valueAt, st.value)
	}
	st.state = closed
	if st.text != nil {
		st.text.close()
		if w := st.text.win; w != nil && w.err != nil {
			// Part of the text may have gone unscanned: no result stands.
			return nil, w.err
		}
	}
	st.res.finish()
	return st.res, nil
}

// Progress is what a stream can tell before it ends, for a gateway that holds content back
// until it is judged.
type Progress struct {
	// Settled is the input offset before which every match is known and every rule that can
	// be decided early has been: complete JSON messages (every rule), and in text the rules
	// whose condition cannot turn false again (ir.Monotone). Content before it can be passed
	// on while Decision allows it; rules that count or negate are decided at Close.
	Settled int
	// Decision is the strictest decision of the findings so far.
	Decision Decision
	// Findings made so far. Those of complete messages and decoded layers are final; a text
	// rule that fired early points at the matches found so far.
	Findings []Finding
}

// Progress reports what the stream has decided so far.
func (st *Stream) Progress() Progress {
	pr := Progress{Settled: st.messages, Decision: Allow}
	pr.Findings = append(pr.Findings, st.res.Findings...)
	if st.text != nil {
		pr.Settled = st.text.settled()
		if st.text.win != nil {
			pr.Findings = append(pr.Findings, st.text.win.early...)
		}
	}
	for _, f := range pr.Findings {
		if d := DecisionFor(f.Severity); d.Rank() > pr.Decision.Rank() {
			pr.Decision = d
		}
	}
	return pr
}

// textUnit is the text unit of a stream: held whole up to the scanner's unit buffer, then
// scanned in a window.
type textUnit struct {
	s      *Scanner
	start  int
	buf    []byte
	win    *unitStream
	budget *decodeBudget
	res    *Result
}

func (t *textUnit) write(p []byte) {
	if t.win == nil && len(t.buf)+len(p) > t.s.unitBuffer() {
		t.win = t.s.newUnitStream(t.start, t.budget, t.res)
		t.win.write(t.buf)
		t.buf = nil
	}
	if t.win != nil {
		t.win.write(p)
		return
	}
	t.buf = append(t.buf, p...)
}

func (t *textUnit) close() {
	if t.win != nil {
		t.win.close()
		return
	}
	if len(t.buf) == 0 {
		return
	}
	sc := t.s.getScratch()
	defer t.s.putScratch(sc)
	u := unit{surface: ir.Text, text: t.buf, layer: LayerPlain}
	first := len(t.res.Findings)
	t.s.scanTree(sc, t.buf, &u, t.budget, t.res)
	shiftFindings(t.res, first, t.start)
}

// settled is the input offset before which the unit is judged.
func (t *textUnit) settled() int {
	if t.win != nil {
		return t.win.settled()
	}
	return t.start
}
