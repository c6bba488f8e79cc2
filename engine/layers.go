package engine

import (
	"context"
	"fmt"

	"github.com/oktsec/oktsec/engine/decode"
	"github.com/oktsec/oktsec/normalize"
)

// Decoding limits: encoded blobs are decoded and scanned as layers, up to these budgets.
const (
	// MaxDecodeDepth is how many encodings deep a blob is decoded (base64 inside base64: 2).
	MaxDecodeDepth = 2
	// MaxDecodedBytes is the decoded text one input may add.
	MaxDecodedBytes = 4 << 20
	// MaxDecodedBlobs is the number of blobs one input may decode.
	MaxDecodedBlobs = 1024
	// MaxEncodedRun is the longest run of encoding characters (URL characters and '%') searched
	// for blobs; a longer run is scanned as is, with a note. It bounds what a stream holds
	// while a run is open.
	MaxEncodedRun = MaxDecodedBytes/3*4 + 4
)

// decodeBudget is what an input may still decode.
type decodeBudget struct {
	bytes, blobs int
	noted        map[string]bool
}

func newDecodeBudget() *decodeBudget {
	return &decodeBudget{bytes: MaxDecodedBytes, blobs: MaxDecodedBlobs}
}

// exhausted reports whether nothing more can be decoded.
func (b *decodeBudget) exhausted() bool { return b.bytes <= 0 || b.blobs <= 0 }

// note records a note once per input.
func (b *decodeBudget) note(res *Result, msg string) {
	if b.noted[msg] {
		return
	}
	if b.noted == nil {
		b.noted = map[string]bool{}
	}
	b.noted[msg] = true
	res.Notes = append(res.Notes, msg)
}

var (
	noteBudget  = fmt.Sprintf("decoding budget reached (%d bytes, %d blobs): further encoded content was scanned as is, not decoded", MaxDecodedBytes, MaxDecodedBlobs)
	noteLongRun = fmt.Sprintf("a run of encoding characters longer than %d bytes was scanned as is, not decoded", MaxEncodedRun)
)

// runs calls fn with each run of encoding characters of text, in order ([start, end)).
func runs(text []byte, fn func(start, end int)) {
	for i := 0; i < len(text); {
		if !decode.InRun(text[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(text) && decode.InRun(text[j]) {
			j++
		}
		fn(i, j)
		i = j
	}
}

// blobsOf decodes the blobs of one run of encoding characters (run, at offset start of the
// unit's text) into child units of u. It reports false once the unit's blobs stop being
// decoded: the budget ran out, and later runs of the unit are left as they are.
func (b *decodeBudget) blobsOf(u *unit, run []byte, start int, res *Result) ([]unit, bool) {
	if b.exhausted() {
		return nil, false
	}
	if len(run) > MaxEncodedRun {
		b.note(res, noteLongRun)
		return nil, true
	}
	if len(run) < decode.MinRun {
		return nil, true
	}
	blobs, truncated := decode.Find(run, b.bytes)
	more := !truncated
	if len(blobs) > b.blobs {
		blobs, more = blobs[:b.blobs], false
	}
	if !more {
		b.note(res, noteBudget)
	}
	out := make([]unit, 0, len(blobs))
	for _, bl := range blobs {
		b.bytes -= len(bl.Text)
		b.blobs--
		layer := string(bl.Kind)
		if u.layer != LayerPlain {
			layer = u.layer + "/" + layer
		}
		chain := append(append(normalize.Chain(nil), u.inputChain()...), shiftMap(start, len(run)), bl.Map)
		out = append(out, unit{surface: u.surface, text: bl.Text, base: u.base, toInput: chain, layer: layer, depth: u.depth + 1})
	}
	return out, more
}

// shiftMap maps offsets of a run to offsets of the text it starts in at start.
func shiftMap(start, n int) *normalize.Map {
	m := &normalize.Map{}
	m.Add(0, start)
	m.Add(n, n)
	return m
}

// scanTree scans a whole unit, then the layers decoded from it, depth first. It stops with an
// error when ctx is done.
func (s *Scanner) scanTree(ctx context.Context, sc *scratch, input []byte, u *unit, budget *decodeBudget, res *Result) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	s.scanUnit(sc, input, u, res)
	if u.depth >= MaxDecodeDepth {
		return nil
	}
	more := true
	var err error
	runs(u.text, func(start, end int) {
		if !more || err != nil {
			return
		}
		var children []unit
		children, more = budget.blobsOf(u, u.text[start:end], start, res)
		for i := range children {
			if err = s.scanTree(ctx, sc, input, &children[i], budget, res); err != nil {
				return
			}
		}
	})
	return err
}
