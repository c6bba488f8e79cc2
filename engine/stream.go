package engine

import (
	"context"
	"errors"

	"github.com/oktsec/oktsec/ir"
)

// ErrClosed is returned by a stream written to after Close.
var ErrClosed = errors.New("stream is closed")

// TextStream scans one text unit (surface ir.Text) that arrives in pieces, such as a long
// document or log read from a pipe. Whatever the pieces, Close returns the Result that
// ScanText returns for the whole text. The text is held whole up to the scanner's unit buffer
// and scanned in a window of the rule set's longest match beyond it (see window.go), so its
// memory does not grow with the text. Offsets are those of the text, from 0.
//
// A stream is not safe for concurrent use.
type TextStream struct {
	ctx    context.Context
	s      *Scanner
	budget *decodeBudget
	res    *Result
	buf    []byte
	win    *unitStream
	off    int
	closed bool
}

// NewTextStream starts a text stream. A done ctx makes Write and Close fail.
func (s *Scanner) NewTextStream(ctx context.Context) *TextStream {
	return &TextStream{ctx: ctx, s: s, budget: newDecodeBudget(), res: &Result{Findings: []Finding{}}}
}

// Write scans the next piece of the text. It fails after Close and once the stream's context
// is done.
func (t *TextStream) Write(p []byte) (int, error) {
	if t.closed {
		return 0, ErrClosed
	}
	if err := t.failed(); err != nil {
		return 0, err
	}
	if t.win == nil && len(t.buf)+len(p) > t.s.unitBuffer() {
		t.win = t.s.newUnitStream(t.ctx, 0, t.budget, t.res)
		t.win.write(t.buf)
		t.buf = nil
	}
	if t.win != nil {
		t.win.write(p)
	} else {
		t.buf = append(t.buf, p...)
	}
	t.off += len(p)
	return len(p), t.failed()
}

// failed returns the error that stops the stream, if any.
func (t *TextStream) failed() error {
	if err := ctxErr(t.ctx); err != nil {
		return err
	}
	if t.win != nil && t.win.err != nil {
		return t.win.err
	}
	return nil
}

// Close ends the text and returns the findings of all of it. A stream whose scan was stopped
// (its context done) returns the error instead: no partial result stands.
func (t *TextStream) Close() (*Result, error) {
	if t.closed {
		return nil, ErrClosed
	}
	t.closed = true
	if err := t.failed(); err != nil {
		return nil, err
	}
	if t.win != nil {
		t.win.close()
	} else if len(t.buf) > 0 {
		sc := t.s.getScratch()
		defer t.s.putScratch(sc)
		u := unit{surface: ir.Text, text: t.buf, layer: LayerPlain}
		if err := t.s.scanTree(t.ctx, sc, t.buf, &u, t.budget, t.res); err != nil {
			return nil, err
		}
	}
	if err := t.failed(); err != nil {
		return nil, err
	}
	t.res.finish()
	return t.res, nil
}

// Settled returns the text offset before which every match is known and every rule that can
// be decided early (ir.Monotone) has been: 0 while the text is held whole, the window's
// progress beyond. Content before it may be passed on while the findings so far allow it.
func (t *TextStream) Settled() int {
	if t.win != nil {
		return t.win.settled()
	}
	return 0
}

// Findings returns the findings made so far: those of decoded layers, which are final, and
// the rules that fired early in the window. Close returns the complete list.
func (t *TextStream) Findings() []Finding {
	out := append([]Finding(nil), t.res.Findings...)
	if t.win != nil {
		out = append(out, t.win.early...)
	}
	return out
}

// Len returns the number of text bytes written.
func (t *TextStream) Len() int { return t.off }
