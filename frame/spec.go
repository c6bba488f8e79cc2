package frame

import (
	"fmt"
	"mime"
	"strings"
)

// Format says what content is, and so how it is cut into units.
type Format string

// Formats.
const (
	// Auto sniffs: content whose first byte after white space opens a JSON object or array
	// is a sequence of JSON values (JSON-RPC messages, batches, JSON Lines), anything else
	// text. From the first value that is not valid JSON, or longer than the message limit,
	// the rest is text.
	Auto Format = "auto"
	// Text is a document, a log or any file: one unit of the surface text, to which every
	// rule applies.
	Text Format = "text"
	// JSONRPC is an HTTP body of Content-Type application/json: one JSON-RPC message or batch
	// (a sequence is accepted). What is not JSON is scanned as text, with a note.
	JSONRPC Format = "jsonrpc"
	// JSONL is JSON Lines, such as the newline-delimited frames of the MCP stdio transport:
	// each line is a message on its own, and a line that is not JSON is scanned as text
	// without affecting the next.
	JSONL Format = "jsonl"
	// SSE is a text/event-stream body: each event's data is a JSON-RPC message (or text),
	// scanned when the event is complete.
	SSE Format = "sse"
)

// Formats lists the formats by name, for flags and messages.
var Formats = []Format{Auto, Text, JSONRPC, JSONL, SSE}

// ParseFormat reads a format name.
func ParseFormat(name string) (Format, error) {
	for _, f := range Formats {
		if string(f) == strings.ToLower(name) {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown format %q (want auto, text, jsonrpc, jsonl or sse)", name)
}

// FormatOf returns the format of an HTTP body from its Content-Type: application/json (and
// +json types) is JSONRPC, text/event-stream SSE, JSON Lines types JSONL, anything else Text.
// An empty Content-Type sniffs (Auto); one that cannot be parsed is an error.
func FormatOf(contentType string) (Format, error) {
	if strings.TrimSpace(contentType) == "" {
		return Auto, nil
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return "", fmt.Errorf("content type %q: %w", contentType, err)
	}
	switch {
	case mt == "text/event-stream":
		return SSE, nil
	case mt == "application/jsonl" || mt == "application/x-ndjson" || mt == "application/x-jsonlines" || mt == "application/json-seq":
		return JSONL, nil
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		return JSONRPC, nil
	}
	return Text, nil
}

// Direction says which way content travels between an MCP client and server.
type Direction int

// Directions.
const (
	// Unknown: the content is not known to be either way (a file, a log).
	Unknown Direction = iota
	// FromClient: requests, notifications and responses sent by the client (the agent).
	FromClient
	// FromServer: responses, notifications and requests sent by the server (a backend).
	FromServer
)

// String names the direction.
func (d Direction) String() string {
	switch d {
	case FromClient:
		return "client->server"
	case FromServer:
		return "server->client"
	}
	return "unknown"
}

// DefaultMessageLimit is the longest JSON value or SSE event scanned as a message unless told
// otherwise: the largest frame an MCP stdio transport accepts.
const DefaultMessageLimit = 16 << 20

// Spec is what the caller says it is scanning.
type Spec struct {
	Format Format
	// Direction is the way the content travels (informative: surfaces follow from methods).
	Direction Direction
	// Method is the method of the request that responses in the content answer, when the
	// content does not carry the request itself: a Streamable HTTP response to a POST of
	// tools/call, say. A JSON-RPC result has no method of its own, and its strings' surfaces
	// depend on it (a tools/call result is tool.result, a tools/list result holds
	// tool.descriptions, a prompts/get result is prompt). Requests seen earlier in the same
	// content take precedence for the responses that answer them (matched by id).
	Method string
	// Tool is the tool a tools/call response answers, for reports.
	Tool string
	// MessageLimit is the longest JSON value or SSE event held to be scanned as a message
	// (0: DefaultMessageLimit). A longer JSON value is scanned as text; a longer SSE event is
	// an error (ErrTooLarge), since it cannot be judged and forwarded as a whole.
	MessageLimit int
}

func (s Spec) messageLimit() int {
	if s.MessageLimit > 0 {
		return s.MessageLimit
	}
	return DefaultMessageLimit
}

func (s Spec) format() Format {
	if s.Format == "" {
		return Auto
	}
	return s.Format
}
