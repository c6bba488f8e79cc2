// Package bench holds the benchmark corpora and suites. The corpus generator is deterministic:
// the same seed gives the same bytes on every machine, so figures from different runs compare.
package bench

import (
	"bytes"
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

// Message returns one JSON-RPC tools/call result of n bytes or a few bytes fewer.
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

// Python returns about n bytes of Python-like source.
func (g *Generator) Python(n int) []byte {
	var b strings.Builder
	b.WriteString("import json\nimport logging\nfrom pathlib import Path\n\nlog = logging.getLogger(__name__)\n\n\n")
	for i := 0; b.Len() < n; i++ {
		name := g.ident()
		fmt.Fprintf(&b, "def %s_%d(path: Path, limit: int = %d) -> dict:\n    \"\"\"Return the %s of the %s.\"\"\"\n",
			name, i, 10+g.rng.IntN(1000), g.word(), g.word())
		for j := 0; j < 2+g.rng.IntN(5); j++ {
			fmt.Fprintf(&b, "    if len(%s) > limit:\n        log.warning(\"%s %%s\", path)\n        return {\"%s\": %d}\n",
				g.ident(), g.word(), g.ident(), g.rng.IntN(4096))
		}
		b.WriteString("    with open(path) as f:\n        return json.load(f)\n\n\n")
	}
	return []byte(b.String()[:n])
}

// HTML returns about n bytes of an HTML page: head, navigation, article with paragraphs, code
// and a table, footer. Pages longer than the template repeat the article sections; the text is
// cut at n bytes, as fetch tools cut long pages.
func (g *Generator) HTML(n int) []byte {
	var b strings.Builder
	title := g.title()
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>%s</title>\n"+
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"+
		"<link rel=\"stylesheet\" href=\"/assets/site.%08x.css\">\n<script defer src=\"/assets/app.%08x.js\"></script>\n</head>\n"+
		"<body class=\"docs\">\n<nav class=\"sidebar\"><ul>\n", title, g.rng.Uint32(), g.rng.Uint32())
	for i := 0; i < 4+g.rng.IntN(8); i++ {
		w := g.ident()
		fmt.Fprintf(&b, "  <li><a href=\"/docs/%s\">%s</a></li>\n", w, g.title())
	}
	fmt.Fprintf(&b, "</ul></nav>\n<main>\n<article>\n<h1>%s</h1>\n", title)
	for b.Len() < n {
		fmt.Fprintf(&b, "<h2 id=\"%s\">%s</h2>\n", g.ident(), g.title())
		for p := 0; p < 1+g.rng.IntN(4); p++ {
			fmt.Fprintf(&b, "<p>%s <a href=\"https://docs.example.com/%s\">%s</a>.</p>\n",
				g.Prose(80+g.rng.IntN(400)), g.ident(), g.word())
		}
		switch g.rng.IntN(3) {
		case 0:
			fmt.Fprintf(&b, "<pre><code class=\"language-go\">%s</code></pre>\n", htmlEscaper.Replace(string(g.Code(120+g.rng.IntN(400)))))
		case 1:
			b.WriteString("<table>\n<tr><th>Name</th><th>Type</th><th>Default</th></tr>\n")
			for r := 0; r < 2+g.rng.IntN(6); r++ {
				fmt.Fprintf(&b, "<tr><td><code>%s</code></td><td>%s</td><td>%d</td></tr>\n", g.ident(), g.word(), g.rng.IntN(100))
			}
			b.WriteString("</table>\n")
		default:
			b.WriteString("<ul>\n")
			for r := 0; r < 2+g.rng.IntN(5); r++ {
				fmt.Fprintf(&b, "<li>%s</li>\n", g.Prose(30+g.rng.IntN(80)))
			}
			b.WriteString("</ul>\n")
		}
	}
	b.WriteString("</article>\n</main>\n<footer><p>&copy; 2026 Example Corp. All rights reserved.</p></footer>\n</body>\n</html>\n")
	return []byte(b.String()[:n])
}

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// Markdown returns about n bytes of a markdown document: headings, paragraphs, lists, code
// fences, links and tables.
func (g *Generator) Markdown(n int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", g.title())
	for b.Len() < n {
		fmt.Fprintf(&b, "## %s\n\n%s\n\n", g.title(), g.Prose(100+g.rng.IntN(500)))
		switch g.rng.IntN(4) {
		case 0:
			fmt.Fprintf(&b, "```go\n%s\n```\n\n", g.Code(100+g.rng.IntN(400)))
		case 1:
			for r := 0; r < 2+g.rng.IntN(5); r++ {
				fmt.Fprintf(&b, "- **%s**: %s ([docs](https://docs.example.com/%s))\n", g.word(), g.Prose(20+g.rng.IntN(80)), g.ident())
			}
			b.WriteByte('\n')
		case 2:
			b.WriteString("| Option | Type | Default |\n| --- | --- | --- |\n")
			for r := 0; r < 2+g.rng.IntN(6); r++ {
				fmt.Fprintf(&b, "| `%s` | %s | `%d` |\n", g.ident(), g.word(), g.rng.IntN(100))
			}
			b.WriteByte('\n')
		default:
			fmt.Fprintf(&b, "```sh\n$ go install example.com/%s@latest\n$ %s --%s ./...\n```\n\n", g.ident(), g.ident(), g.ident())
		}
	}
	return []byte(b.String()[:n])
}

// JSONPayload returns a JSON API response of about n bytes (slightly more: it is never cut, so
// it stays valid JSON): a page of issue-tracker records with nested attributes.
func (g *Generator) JSONPayload(n int) []byte {
	type author struct {
		Login string `json:"login"`
		ID    int    `json:"id"`
		Admin bool   `json:"site_admin"`
	}
	type record struct {
		ID        int      `json:"id"`
		Number    int      `json:"number"`
		State     string   `json:"state"`
		Title     string   `json:"title"`
		Body      string   `json:"body"`
		Labels    []string `json:"labels"`
		User      author   `json:"user"`
		Comments  int      `json:"comments"`
		CreatedAt string   `json:"created_at"`
		URL       string   `json:"url"`
	}
	var recs []record
	size := 60 // the envelope
	for size < n {
		r := record{
			ID: 100000 + g.rng.IntN(900000), Number: 1 + g.rng.IntN(9000), State: []string{"open", "closed"}[g.rng.IntN(2)],
			Title: g.title(), Body: string(g.Prose(40 + g.rng.IntN(600))),
			User:     author{Login: g.ident(), ID: g.rng.IntN(1 << 24), Admin: g.rng.IntN(20) == 0},
			Comments: g.rng.IntN(40), CreatedAt: g.timestamp(),
		}
		r.URL = fmt.Sprintf("https://api.example.com/repos/acme/%s/issues/%d", g.ident(), r.Number)
		for l := 0; l < g.rng.IntN(4); l++ {
			r.Labels = append(r.Labels, g.word())
		}
		if r.Labels == nil {
			r.Labels = []string{}
		}
		recs = append(recs, r)
		size += len(marshal(r)) + 1
	}
	return marshal(map[string]any{"data": recs, "meta": map[string]any{"page": 1, "per_page": len(recs), "total": len(recs) * (1 + g.rng.IntN(20))}})
}

func (g *Generator) word() string {
	return strings.ReplaceAll(vocabulary[g.rng.IntN(len(vocabulary))], "'", "")
}

func (g *Generator) ident() string {
	return g.word() + "_" + g.word()
}

func (g *Generator) title() string {
	w := g.word()
	return strings.ToUpper(w[:1]) + w[1:] + " " + g.word() + " " + g.word()
}

func (g *Generator) timestamp() string {
	return fmt.Sprintf("2026-%02d-%02dT%02d:%02d:%02dZ", 1+g.rng.IntN(12), 1+g.rng.IntN(28), g.rng.IntN(24), g.rng.IntN(60), g.rng.IntN(60))
}

// marshal encodes v as JSON without escaping <, > and & (as MCP servers written in TypeScript
// and Python send them).
func marshal(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}
