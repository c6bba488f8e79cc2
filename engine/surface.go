package engine

import (
	"github.com/oktsec/oktsec/engine/jsonscan"
	"github.com/oktsec/oktsec/engine/normalize"
	"github.com/oktsec/oktsec/ir"
)

// unit is one piece of text scanned on its own: a JSON string or a whole document.
type unit struct {
	surface ir.Surface
	// text is the decoded text (JSON escapes undone), before normalization.
	text []byte
	// base and toInput map text offsets to input offsets: base + inputChain().Start(p).
	base    int
	toInput normalize.Chain
	// escaped holds a JSON string's raw contents while the map of its escapes is not built.
	escaped []byte
	// layer is LayerPlain, or the encodings the text was decoded from ("base64", "base64/url").
	layer string
	// depth counts the decodings that led to the text.
	depth int
}

// Methods whose params are prompt material, resources, or tool arguments.
var paramSurfaces = map[string]ir.Surface{
	"tools/call":             ir.ToolArgs,
	"prompts/get":            ir.Prompt,
	"sampling/createMessage": ir.Prompt,
	"elicitation/create":     ir.Prompt,
	"completion/complete":    ir.Prompt,
	"resources/read":         ir.Resource,
	"resources/subscribe":    ir.Resource,
	"resources/unsubscribe":  ir.Resource,
}

// Result members and the surface of what they hold.
var resultSurfaces = map[string]ir.Surface{
	"content":           ir.ToolResult,
	"structuredContent": ir.ToolResult,
	"tools":             ir.ToolDescription,
	"messages":          ir.Prompt,
	"prompts":           ir.Prompt,
	"contents":          ir.Resource,
	"resources":         ir.Resource,
	"resourceTemplates": ir.Resource,
}

// message is what classification needs to know of one JSON value.
type message struct {
	jsonrpc    bool
	method     string
	resultKeys map[string]bool
}

// messageUnits cuts one JSON value (an object or an array, see frame.go) into units: a
// JSON-RPC message or batch gives one unit per string with its surface; other JSON gives one
// text unit per string. It reports false when the value is not valid JSON.
func messageUnits(input []byte) ([]unit, bool) {
	var strs []jsonscan.String
	docs, err := jsonscan.Scan(input, func(s jsonscan.String) { strs = append(strs, s) })
	if err != nil || len(docs) != 1 {
		return nil, false
	}
	batch := []bool{input[docs[0].Start] == '['}
	type root struct{ doc, index int }
	rootOf := func(s *jsonscan.String) (root, []jsonscan.PathElem, bool) {
		if batch[s.Doc] {
			if len(s.Path) == 0 {
				return root{}, nil, false // a string directly in the batch array
			}
			return root{s.Doc, s.Path[0].Index}, s.Path[1:], true
		}
		return root{s.Doc, -1}, s.Path, true
	}
	msgs := map[root]*message{}
	get := func(r root) *message {
		m := msgs[r]
		if m == nil {
			m = &message{resultKeys: map[string]bool{}}
			msgs[r] = m
		}
		return m
	}
	for i := range strs {
		s := &strs[i]
		r, rel, ok := rootOf(s)
		if !ok {
			continue
		}
		switch {
		case !s.IsKey && len(rel) == 1 && rel[0].Key == "jsonrpc" && string(s.Text) == "2.0":
			get(r).jsonrpc = true
		case !s.IsKey && len(rel) == 1 && rel[0].Key == "method":
			get(r).method = string(s.Text)
		case s.IsKey && len(rel) == 1 && rel[0].Key == "result":
			get(r).resultKeys[string(s.Text)] = true
		}
	}
	units := make([]unit, 0, len(strs))
	for i := range strs {
		s := &strs[i]
		if len(s.Text) == 0 {
			continue
		}
		surface := ir.Text
		if r, rel, ok := rootOf(s); ok {
			if m := msgs[r]; m != nil && m.jsonrpc {
				var scan bool
				surface, scan = rpcSurface(m, rel, s.IsKey)
				if !scan {
					continue
				}
			}
		}
		u := unit{surface: surface, text: s.Text, base: s.Start, layer: LayerPlain}
		if s.Escaped {
			u.escaped = input[s.Start:s.End]
		}
		units = append(units, u)
	}
	return units, true
}

// rpcSurface attributes a string of a JSON-RPC message to a surface; scan is false for protocol
// fields that carry no content (jsonrpc, id, method and the message's own keys).
func rpcSurface(m *message, rel []jsonscan.PathElem, isKey bool) (surface ir.Surface, scan bool) {
	if len(rel) == 0 {
		return "", false // top-level keys
	}
	switch rel[0].Key {
	case "jsonrpc", "id", "method":
		return "", false
	case "params":
		if s, ok := paramSurfaces[m.method]; ok {
			return s, true
		}
		return ir.Text, true
	case "result":
		if len(rel) == 1 {
			if isKey {
				return "", false // the result's own member names
			}
			return ir.Text, true
		}
		if m.resultKeys["model"] {
			return ir.Prompt, true // a sampling result
		}
		if s, ok := resultSurfaces[rel[1].Key]; ok {
			return s, true
		}
		if rel[1].Key == "description" && m.resultKeys["messages"] {
			return ir.Prompt, true
		}
		return ir.Text, true
	}
	return ir.Text, true
}

// inputChain returns the maps from the unit's text to input offsets (less base), building the
// map of a JSON string's escapes on first use.
func (u *unit) inputChain() normalize.Chain {
	if u.escaped != nil {
		u.toInput = append(normalize.Chain{jsonscan.MapOf(u.escaped)}, u.toInput...)
		u.escaped = nil
	}
	return u.toInput
}
