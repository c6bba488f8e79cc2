package frame

import (
	"encoding/json"

	"github.com/oktsec/oktsec/engine"
	"github.com/oktsec/oktsec/ir"
	"github.com/oktsec/oktsec/jsonscan"
)

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

// Methods whose results hold one kind of content: every string of such a result has the
// surface given. A tools/list result is tool descriptions (names, schemas and annotations
// included: all of it reaches the model); initialize's instructions go to the model like a
// tool description does.
var methodResultSurfaces = map[string]ir.Surface{
	"tools/call":               ir.ToolResult,
	"tools/list":               ir.ToolDescription,
	"initialize":               ir.ToolDescription,
	"prompts/get":              ir.Prompt,
	"prompts/list":             ir.Prompt,
	"resources/read":           ir.Resource,
	"resources/list":           ir.Resource,
	"resources/templates/list": ir.Resource,
	"roots/list":               ir.Resource,
	"sampling/createMessage":   ir.Prompt,
	"elicitation/create":       ir.Prompt,
	"completion/complete":      ir.Prompt,
}

// Result members and the surface of what they hold, for a result whose method is not known.
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

// message is what classification needs to know of one JSON-RPC message.
type message struct {
	jsonrpc    bool
	method     string // the message's own method (a request or notification)
	answers    string // for a response: the method of the request it answers, when known
	resultKeys map[string]bool
}

// requests remembers the methods of the requests seen in one piece of content, by id, so
// that the responses answering them are classified by their method.
type requests map[string]string

// maxPendingRequests bounds what requests remembers.
const maxPendingRequests = 4096

// messageUnits cuts one JSON value (an object or an array) into units with offsets relative to
// the value: a JSON-RPC message or batch gives one unit per string with its surface; other JSON
// gives one text unit per string. It reports false when the value is not valid JSON.
func messageUnits(value []byte, spec *Spec, pending requests) ([]engine.Unit, bool) {
	var strs []jsonscan.String
	docs, err := jsonscan.Scan(value, func(s jsonscan.String) { strs = append(strs, s) })
	if err != nil || len(docs) != 1 {
		return nil, false
	}
	batch := value[docs[0].Start] == '['
	type root struct{ index int }
	rootOf := func(s *jsonscan.String) (root, []jsonscan.PathElem, bool) {
		if batch {
			if len(s.Path) == 0 {
				return root{}, nil, false // a string directly in the batch array
			}
			return root{s.Path[0].Index}, s.Path[1:], true
		}
		return root{-1}, s.Path, true
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
	if len(msgs) > 0 {
		all := make([]*message, 0, len(msgs))
		for _, m := range msgs {
			all = append(all, m)
		}
		pairRequests(value, batch, all, func(index int) *message { return msgs[root{index}] }, spec, pending)
	}
	units := make([]engine.Unit, 0, len(strs))
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
		u := engine.Unit{Surface: surface, Text: s.Text, Offset: s.Start}
		if s.Escaped {
			u.Escaped = value[s.Start:s.End]
		}
		units = append(units, u)
	}
	return units, true
}

// idOnly decodes the id of a message and nothing else.
type idOnly struct {
	ID json.RawMessage `json:"id"`
}

// pairRequests records the ids of the requests among the messages of value and tells each
// response which method it answers: the request's, when the content carried it, or the one
// the caller gave.
func pairRequests(value []byte, batch bool, msgs []*message, at func(int) *message, spec *Spec, pending requests) {
	needIDs := false
	for _, m := range msgs {
		if !m.jsonrpc {
			continue
		}
		if m.method != "" || len(pending) > 0 {
			needIDs = true
		}
		if m.method == "" {
			m.answers = spec.Method
		}
	}
	if !needIDs {
		return
	}
	var ids []idOnly
	if batch {
		if json.Unmarshal(value, &ids) != nil {
			return
		}
	} else {
		var one idOnly
		if json.Unmarshal(value, &one) != nil {
			return
		}
		ids = []idOnly{one}
	}
	for i, id := range ids {
		index := i
		if !batch {
			index = -1
		}
		m := at(index)
		if m == nil || !m.jsonrpc || len(id.ID) == 0 || string(id.ID) == "null" {
			continue
		}
		key := string(id.ID)
		switch {
		case m.method != "":
			if len(pending) < maxPendingRequests {
				pending[key] = m.method
			}
		default:
			if method, ok := pending[key]; ok {
				m.answers = method
				delete(pending, key)
			}
		}
	}
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
		if s, ok := methodResultSurfaces[m.answers]; ok {
			return s, true
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
