package frame

import (
	"context"
	"errors"
	"fmt"

	"github.com/oktsec/oktsec/engine"
)

// ErrTooLarge is returned for an SSE event or line longer than the message limit: it cannot be
// judged as a whole, so it is refused rather than passed on in part.
var ErrTooLarge = errors.New("frame too large to judge")

// Notes added by framing.
const (
	noteNotJSON = "content said to be JSON-RPC is not JSON from this offset on: the rest was scanned as text"
)

// Scan scans a whole input framed as spec says and returns its findings, with offsets into
// input. Scan and a Stream given the same input in any pieces return the same findings.
func Scan(ctx context.Context, s *engine.Scanner, spec Spec, input []byte) (*engine.Result, error) {
	switch spec.format() {
	case Text:
		return s.ScanText(ctx, input)
	case SSE, JSONL:
		st := NewStream(ctx, s, spec)
		if _, err := st.Write(input); err != nil {
			return nil, err
		}
		return st.Close()
	case Auto, JSONRPC:
		var c collector
		if err := scanSequence(ctx, s, &spec, input, requests{}, &c, shiftBy(0)); err != nil {
			return nil, err
		}
		return c.result(), nil
	}
	return nil, fmt.Errorf("unknown format %q", spec.Format)
}

// scanSequence scans content as a sequence of JSON values followed by text (formats Auto and
// JSONRPC), adding the findings to c with offsets mapped by at.
func scanSequence(ctx context.Context, s *engine.Scanner, spec *Spec, content []byte, pending requests, c *collector, at offsetMap) error {
	limit := spec.messageLimit()
	pos := skipSpace(content, 0)
	for pos < len(content) && opensValue(content[pos]) {
		var f valueEnd
		n := f.scan(content[pos:])
		if n < 0 || n > limit {
			break
		}
		ok, err := scanMessage(ctx, s, spec, content[pos:pos+n], pending, c, at.shifted(pos))
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		pos = skipSpace(content, pos+n)
	}
	if pos < len(content) {
		if spec.format() == JSONRPC {
			c.note(noteNotJSON)
		}
		res, err := s.ScanText(ctx, content[pos:])
		if err != nil {
			return err
		}
		c.add(res, at.shifted(pos))
	}
	return nil
}

// scanMessage scans one JSON value; it reports false, having scanned nothing, when the value is
// not valid JSON.
func scanMessage(ctx context.Context, s *engine.Scanner, spec *Spec, value []byte, pending requests, c *collector, at offsetMap) (bool, error) {
	units, ok := messageUnits(value, spec, pending)
	if !ok {
		return false, nil
	}
	res, err := s.ScanUnits(ctx, units)
	if err != nil {
		return false, err
	}
	c.add(res, at)
	return true, nil
}

// offsetMap maps offsets of scanned content to offsets of the input: a shift, or an SSE
// event's data segments.
type offsetMap struct {
	delta int
	segs  []segment
}

func shiftBy(n int) offsetMap { return offsetMap{delta: n} }

// shifted returns the map of content that starts n bytes into this map's content.
func (m offsetMap) shifted(n int) offsetMap {
	m.delta += n
	return m
}

// start maps the offset of a range's first byte; end maps the offset just past a range.
func (m offsetMap) start(p int) int {
	p += m.delta
	if m.segs == nil {
		return p
	}
	for i := len(m.segs) - 1; i >= 0; i-- {
		if sg := m.segs[i]; p >= sg.data {
			return sg.input + min(p-sg.data, sg.n)
		}
	}
	return m.segs[0].input
}

func (m offsetMap) end(p int) int {
	p += m.delta
	if m.segs == nil {
		return p
	}
	for i := range m.segs {
		if sg := m.segs[i]; p <= sg.data+sg.n {
			return sg.input + max(0, p-sg.data)
		}
	}
	last := m.segs[len(m.segs)-1]
	return last.input + last.n
}

// collector gathers the findings and notes of one input.
type collector struct {
	findings []engine.Finding
	notes    []string
	noted    map[string]bool
}

// add takes a result's findings (mapping their offsets) and notes.
func (c *collector) add(res *engine.Result, at offsetMap) {
	for _, f := range res.Findings {
		f.Start, f.End = at.start(f.Start), at.end(f.End)
		c.findings = append(c.findings, f)
	}
	for _, n := range res.Notes {
		c.note(n)
	}
}

// note records a note once.
func (c *collector) note(n string) {
	if c.noted[n] {
		return
	}
	if c.noted == nil {
		c.noted = map[string]bool{}
	}
	c.noted[n] = true
	c.notes = append(c.notes, n)
}

// result returns the findings as a Result, in input order (messages and events come in order,
// and each result is sorted).
func (c *collector) result() *engine.Result {
	res := &engine.Result{Findings: c.findings, Notes: c.notes}
	if res.Findings == nil {
		res.Findings = []engine.Finding{}
	}
	return res
}
