package engine

import (
	"fmt"

	"github.com/oktsec/oktsec/ir"
	"github.com/oktsec/oktsec/jsonscan"
	"github.com/oktsec/oktsec/normalize"
)

// Unit is one piece of text the engine scans on its own, with the surface it belongs to. The
// caller frames its content into units (package frame does it for JSON-RPC messages, SSE
// bodies, JSON Lines and plain text); the engine only matches.
type Unit struct {
	// Surface decides which rules apply: those whose scope names it, and every rule for
	// ir.Text.
	Surface ir.Surface
	// Text is the text to scan: a document, or a JSON string's decoded value.
	Text []byte
	// Escaped, when set, holds the raw contents of the JSON string (between its quotes) whose
	// decoded value Text is, so findings point at the raw bytes.
	Escaped []byte
	// Offset is where the unit starts in the caller's input (Escaped's first byte when set,
	// Text's otherwise); findings are shifted by it.
	Offset int
}

// unit is a unit as the engine scans it: a caller's Unit or a layer decoded from one.
type unit struct {
	surface ir.Surface
	// text is the decoded text (JSON escapes undone), before normalization.
	text []byte
	// base and toInput map text offsets to offsets in the unit's source bytes (the caller's
	// Unit.Escaped or Unit.Text): base + inputChain().Start(p).
	base    int
	toInput normalize.Chain
	// escaped holds a JSON string's raw contents while the map of its escapes is not built.
	escaped []byte
	// layer is LayerPlain, or the encodings the text was decoded from ("base64", "base64/url").
	layer string
	// depth counts the decodings that led to the text.
	depth int
}

// knownSurfaces are the surfaces a Unit may name.
var knownSurfaces = map[ir.Surface]bool{
	ir.ToolArgs: true, ir.ToolResult: true, ir.ToolDescription: true,
	ir.Prompt: true, ir.Resource: true, ir.Text: true,
}

// check reports a unit the engine cannot scan faithfully.
func (u *Unit) check() error {
	if !knownSurfaces[u.Surface] {
		return fmt.Errorf("unit at offset %d: unknown surface %q", u.Offset, u.Surface)
	}
	return nil
}

// inputChain returns the maps from the unit's text to source offsets (less base), building the
// map of a JSON string's escapes on first use.
func (u *unit) inputChain() normalize.Chain {
	if u.escaped != nil {
		u.toInput = append(normalize.Chain{jsonscan.MapOf(u.escaped)}, u.toInput...)
		u.escaped = nil
	}
	return u.toInput
}
