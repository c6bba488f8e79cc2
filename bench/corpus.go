// Package bench holds the benchmark corpora and suites. The corpus generator is deterministic:
// the same seed gives the same bytes on every machine, so figures from different runs compare.
package bench

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
)

// vocabulary is ordinary English of the kind found in documentation, mail and chat: the most
// common words plus the vocabulary of software work (file, server, token, install), so the
// prefilter meets the words rules key on in their benign senses.
var vocabulary = strings.Fields(`the of and to in is that for it as was with be by on not he this are
or his from at which but have an they you were her she there been one all we their has would when
if so no what up out them about more into than only its some could time these two may then do
first any my now such like our over man me even most made after also did many before must through
back years where much your way well down should because each just those people how too little
state good very make world still own see men work long get here between both life being under
never day same another know while last might us great old year off come since against go came
right used take three himself few house use during without again place around however home small
found thought went say part once general high upon school every don't does got united left number
course war until always away something fact though water less public put think almost hand enough
far took head yet government system better set told nothing night end why called didn't eyes find
going look asked later knew point next program city business give group toward young days let room
president side social given present several order national possible rather second face per among
form important often things looked early white case john become large big need four within felt
along children saw best church ever least power development light thing seemed family interest want
members mind country area others done turned although open god service certain kind problem began
different door thus help sense means whole matter perhaps itself york it's times law human line above
name example action company hands local show whether five history gave today either act feet across
taken past quite anything seen having death week experience body word half really field am car words
already themselves i'm information tell together college shall money period held keep sure probably
free seems political real behind cannot miss question air office making brought whose special heard
major problems ago became federal moment study available known result street economic boy position
reason change south board individual job areas society west close turn love community true court
force full seem am policy everything table though key token
file config server request response function return error value string list update install
version release build test data user account email address support contact please thanks review`)

// Generator makes deterministic corpora.
type Generator struct {
	rng *rand.Rand
}

// NewGenerator returns a generator for a seed.
func NewGenerator(seed uint64) *Generator {
	return &Generator{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// Prose returns about n bytes of English-like prose in paragraphs.
func (g *Generator) Prose(n int) []byte {
	var b strings.Builder
	for b.Len() < n {
		sentences := 3 + g.rng.IntN(5)
		for s := 0; s < sentences; s++ {
			words := 6 + g.rng.IntN(18)
			for w := 0; w < words; w++ {
				word := vocabulary[g.rng.IntN(len(vocabulary))]
				if w == 0 {
					word = strings.ToUpper(word[:1]) + word[1:]
				} else {
					b.WriteByte(' ')
				}
				b.WriteString(word)
				if w < words-1 && g.rng.IntN(12) == 0 {
					b.WriteByte(',')
				}
			}
			b.WriteString(". ")
		}
		b.WriteString("\n\n")
	}
	return []byte(b.String()[:n])
}

// Code returns about n bytes of Go-like source.
func (g *Generator) Code(n int) []byte {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		name := vocabulary[g.rng.IntN(len(vocabulary))]
		name = strings.NewReplacer("'", "").Replace(name)
		fmt.Fprintf(&b, "// %s%d returns the %s of the %s.\nfunc %s%d(ctx context.Context, in []byte) (int, error) {\n",
			name, i, vocabulary[g.rng.IntN(len(vocabulary))], vocabulary[g.rng.IntN(len(vocabulary))], name, i)
		for j := 0; j < 2+g.rng.IntN(6); j++ {
			fmt.Fprintf(&b, "\tif len(in) > %d {\n\t\treturn 0, fmt.Errorf(\"%s: %%w\", err)\n\t}\n", g.rng.IntN(4096),
				vocabulary[g.rng.IntN(len(vocabulary))])
		}
		b.WriteString("\treturn len(in), nil\n}\n\n")
	}
	return []byte(b.String()[:n])
}

// Log returns about n bytes of service log lines.
func (g *Generator) Log(n int) []byte {
	levels := []string{"INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"}
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "2026-11-%02dT%02d:%02d:%02d.%03dZ %s service=%s req=%08x latency_ms=%d msg=%q\n",
			1+g.rng.IntN(28), g.rng.IntN(24), g.rng.IntN(60), g.rng.IntN(60), g.rng.IntN(1000),
			levels[g.rng.IntN(len(levels))], vocabulary[g.rng.IntN(len(vocabulary))], g.rng.Uint32(), g.rng.IntN(900),
			string(g.Prose(40+g.rng.IntN(60))))
	}
	return []byte(b.String()[:n])
}

// Base64Blob returns n bytes of base64 text of random binary data.
func (g *Generator) Base64Blob(n int) []byte {
	raw := make([]byte, n*3/4+3)
	for i := range raw {
		raw[i] = byte(g.rng.Uint32())
	}
	return []byte(base64.StdEncoding.EncodeToString(raw)[:n])
}

// ToolResult wraps text in a JSON-RPC tools/call result.
func ToolResult(id int, text []byte) []byte {
	msg := map[string]any{"jsonrpc": "2.0", "id": id, "result": map[string]any{
		"content": []map[string]any{{"type": "text", "text": string(text)}}, "isError": false}}
	b, _ := json.Marshal(msg)
	return b
}

// ToolCall wraps arguments in a JSON-RPC tools/call request.
func ToolCall(id int, tool string, args map[string]any) []byte {
	msg := map[string]any{"jsonrpc": "2.0", "id": id, "method": "tools/call",
		"params": map[string]any{"name": tool, "arguments": args}}
	b, _ := json.Marshal(msg)
	return b
}

// JSONTraffic returns about n bytes of JSON Lines MCP traffic: tool calls and results carrying
// prose, code, logs and base64 data.
func (g *Generator) JSONTraffic(n int) []byte {
	var b []byte
	for id := 1; len(b) < n; id++ {
		size := 200 + g.rng.IntN(4000)
		var msg []byte
		switch g.rng.IntN(5) {
		case 0:
			msg = ToolCall(id, "filesystem_read_file", map[string]any{"path": fmt.Sprintf("/srv/app/%s.go", vocabulary[g.rng.IntN(len(vocabulary))])})
		case 1:
			msg = ToolResult(id, g.Code(size))
		case 2:
			msg = ToolResult(id, g.Log(size))
		case 3:
			msg = ToolResult(id, g.Prose(size))
		default:
			msg = ToolResult(id, g.Base64Blob(size))
		}
		b = append(b, msg...)
		b = append(b, '\n')
	}
	return b
}

// Message returns one JSON-RPC tools/call result of exactly n bytes or slightly more.
func (g *Generator) Message(n int) []byte {
	text := g.Prose(n)
	for msg := ToolResult(1, text); ; msg = ToolResult(1, text) {
		if over := len(msg) - n; over > 0 && len(text) > over {
			text = text[:len(text)-over]
			continue
		}
		return msg
	}
}
