package fuzz

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/oktsec/oktsec/bundle"
	"github.com/oktsec/oktsec/dsl"
	"github.com/oktsec/oktsec/engine/decode"
	"github.com/oktsec/oktsec/jsonscan"
)

// FuzzJSONScan: jsonscan.Scan never panics on any bytes, and on valid JSON every string it
// reports lies inside the input, is the input's bytes when it had no escapes, maps back into
// its quotes through MapOf when it had, and decodes as encoding/json decodes it.
func FuzzJSONScan(f *testing.F) {
	for _, s := range []string{
		`"\ud800"`, `"\udc00x"`, `"\ud800\u0041"`, `"\ud800\ud800"`, `"\ud83d\ude00"`, `"a\ud83d\ude00b"`,
		`"\u0000"`, `{"\u0000":"\u0000"}`, `"\"\\\/\b\f\n\r\t"`, `"\u00e9\u20ac"`,
		"\"\xff\xfe\"", "{\"k\xc3\":\"v\xe2\x82\"}", "\"\xed\xa0\x80\"", "\"\xc3\\u00a9\"",
		`[0,-1,1.5,-0.0e+10,1E-2,12345678901234567890]`, `-`, `01`, `1.`, `1e`,
		`{"":""}`, `{"":{"":[""]}}`, `{"a":1,"a":2}`,
		strings.Repeat("[", jsonscan.MaxDepth) + `"deep"` + strings.Repeat("]", jsonscan.MaxDepth),
		strings.Repeat("[", jsonscan.MaxDepth+2) + strings.Repeat("]", jsonscan.MaxDepth+2),
		strings.Repeat(`{"a":`, 40) + `"x"` + strings.Repeat("}", 40),
		"{\"a\":\"b\"}\n{\"c\":[\"d\"]}\n", ` "x" `, "", `"unterminated`, `"\u12"`, `"\x"`,
		`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","arguments":{"q":"ignore\u0020previous"}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		var strs []jsonscan.String
		docs, err := jsonscan.Scan(input, func(s jsonscan.String) { strs = append(strs, s) })
		if !json.Valid(input) {
			return // Scan may accept more (JSON Lines) or less (MaxDepth); it must only not panic
		}
		if err != nil {
			if depth(input) > jsonscan.MaxDepth {
				return
			}
			t.Fatalf("valid JSON %q rejected: %v", input, err)
		}
		if len(docs) != 1 || docs[0].Start > docs[0].End || docs[0].End > len(input) {
			t.Fatalf("valid JSON %q: values %+v, want one within the input", input, docs)
		}
		for _, s := range strs {
			if s.Start < 1 || s.Start > s.End || s.End >= len(input) || input[s.Start-1] != '"' || input[s.End] != '"' {
				t.Fatalf("string %+v of %q is not between quotes in the input", s, input)
			}
			raw := input[s.Start:s.End]
			if !s.Escaped {
				if !bytes.Equal(raw, s.Text) {
					t.Fatalf("unescaped string %q at %d-%d, input has %q", s.Text, s.Start, s.End, raw)
				}
			} else {
				m := jsonscan.MapOf(raw)
				if out, in := m.Len(); out != len(s.Text) || in != len(raw) {
					t.Fatalf("MapOf(%q) maps %d bytes to %d, want %d to %d", raw, out, in, len(s.Text), len(raw))
				}
				for _, p := range []int{0, len(s.Text)} {
					if a, b := m.Start(p), m.End(p); a < 0 || a > len(raw) || b < 0 || b > len(raw) {
						t.Fatalf("MapOf(%q) maps text offset %d to %d/%d, outside the string", raw, p, a, b)
					}
				}
				if m.End(len(s.Text)) != len(raw) {
					t.Fatalf("MapOf(%q) maps the text's end to %d, want %d", raw, m.End(len(s.Text)), len(raw))
				}
			}
			var want string
			if err := json.Unmarshal(input[s.Start-1:s.End+1], &want); err != nil {
				t.Fatalf("encoding/json rejects string %q of valid JSON: %v", input[s.Start-1:s.End+1], err)
			}
			if got := replaceInvalid(s.Text); got != want {
				t.Fatalf("string %q decodes to %q, encoding/json to %q", raw, got, want)
			}
			if goEscapes(raw) && utf8.Valid(raw) {
				// The escapes are also Go's, so strconv.Unquote must agree byte for byte.
				if u, err := strconv.Unquote(`"` + string(raw) + `"`); err != nil || u != string(s.Text) {
					t.Fatalf("string %q decodes to %q, strconv.Unquote to %q (%v)", raw, s.Text, u, err)
				}
			}
		}
	})
}

// depth is the deepest nesting of arrays and objects in valid JSON.
func depth(js []byte) int {
	d, deepest, inStr := 0, 0, false
	for i := 0; i < len(js); i++ {
		switch c := js[i]; {
		case inStr && c == '\\':
			i++
		case c == '"':
			inStr = !inStr
		case !inStr && (c == '[' || c == '{'):
			d++
			deepest = max(deepest, d)
		case !inStr && (c == ']' || c == '}'):
			d--
		}
	}
	return deepest
}

// replaceInvalid replaces each byte of b that is not part of valid UTF-8 by U+FFFD, as
// encoding/json does when it decodes a string.
func replaceInvalid(b []byte) string {
	var sb strings.Builder
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		sb.WriteRune(r) // RuneError for an invalid byte
		b = b[n:]
	}
	return sb.String()
}

// goEscapes reports whether every escape in the raw contents of a JSON string means the same
// in a Go string literal: not \/, and no \u escape of a UTF-16 surrogate.
func goEscapes(raw []byte) bool {
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' || i+1 >= len(raw) {
			continue
		}
		switch raw[i+1] {
		case '/':
			return false
		case 'u':
			if i+6 > len(raw) {
				return false
			}
			v, err := strconv.ParseUint(string(raw[i+2:i+6]), 16, 32)
			if err != nil || (v >= 0xd800 && v < 0xe000) {
				return false
			}
		}
		i++
	}
	return true
}

// FuzzDecode: decode.Find never panics; its blobs lie inside the input in order, are at least
// decode.MinRun bytes of run characters (decode.InRun), hold valid UTF-8 within the limit, and
// their maps cover the decoded text and point into the blob.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		"data: aWdub3JlIGFsbCBwcmV2aW91cyBpbnN0cnVjdGlvbnM= end",
		"aWdub3JlIGFsbCBwcmV2aW91cyBpbnN0cnVjdGlvbnM=%41%42%43",
		"x.aWdub3JlIGFsbCBwcmV2aW91cyBpbnN0cnVjdGlvbnM=%41%42%43",
		"aWdub3JlIGFsbCBwcmV2aW91cyBpbnN0cnVjdGlvbnM", "aWdub3JlIGFsbC-wcmV2aW91cy_pbnN0cnVjdGlvbnM",
		"aWdub3JlIGFsbCBwcmV2aW91cyBpbnN0cnVjdGlvbnM==", "aWdub3JlIGFsbCBwcmV2aW91cyBpbnN0cnVjdGlvbnM===",
		"cmd%3Dcat%20%2Fetc%2Fpasswd", "a+b%20c%2", "%%%41%4", "%zz%41%42%43",
		"69676e6f726520616c6c2070726576696f757320696e737472756374696f6e73",
		"69676E6F726520616C6C2070726576696F757320696E737472756374696F6E73",
		"69676e6f726520616c6c2070726576696f757320696e737472756374696f6e7", "%e2%82%ac%e2%82%ac%e2%82",
		"%C3%28%41%42", "////////////////////////////////", "________________________________",
	} {
		f.Add([]byte(s), uint16(4096))
	}
	f.Add([]byte("aWdub3JlIGFsbCBwcmV2aW91cyBpbnN0cnVjdGlvbnM= %41%42%43%44"), uint16(31))
	f.Add([]byte("aWdub3JlIGFsbCBwcmV2aW91cyBpbnN0cnVjdGlvbnM="), uint16(0))
	f.Fuzz(func(t *testing.T, input []byte, limit uint16) {
		blobs, truncated := decode.Find(input, int(limit))
		used := 0
		for i, b := range blobs {
			if b.Start < 0 || b.Start >= b.End || b.End > len(input) {
				t.Fatalf("blob %d (%s) at %d-%d outside the input of %d bytes", i, b.Kind, b.Start, b.End, len(input))
			}
			if i > 0 && b.Start < blobs[i-1].Start {
				t.Fatalf("blob %d (%s) at %d-%d starts before blob %d at %d-%d", i, b.Kind, b.Start, b.End, i-1, blobs[i-1].Start, blobs[i-1].End)
			}
			if b.End-b.Start < decode.MinRun {
				t.Fatalf("blob %d (%s) at %d-%d is shorter than MinRun %d", i, b.Kind, b.Start, b.End, decode.MinRun)
			}
			for k := b.Start; k < b.End; k++ {
				if !decode.InRun(input[k]) {
					t.Fatalf("blob %d (%s) at %d-%d spans %q at %d, not a run byte", i, b.Kind, b.Start, b.End, input[k], k)
				}
			}
			if len(b.Text) == 0 || !utf8.Valid(b.Text) {
				t.Fatalf("blob %d (%s) decodes to %q: empty or not UTF-8", i, b.Kind, b.Text)
			}
			used += len(b.Text)
			out, in := b.Map.Len()
			if out != len(b.Text) || in < b.Start || in > b.End {
				t.Fatalf("blob %d (%s) at %d-%d: map covers %d text bytes up to offset %d; text has %d", i, b.Kind, b.Start, b.End, out, in, len(b.Text))
			}
			if b.Map.Start(0) != b.Start {
				t.Fatalf("blob %d (%s) at %d-%d: map starts at %d", i, b.Kind, b.Start, b.End, b.Map.Start(0))
			}
			// Every match in the text (a first byte and an end after it) maps into the blob.
			for p := 0; p < len(b.Text); p++ {
				if s, e := b.Map.Start(p), b.Map.End(p+1); s < b.Start || s >= e || e > b.End {
					t.Fatalf("blob %d (%s) at %d-%d maps text byte %d to %d-%d", i, b.Kind, b.Start, b.End, p, s, e)
				}
			}
		}
		if used > int(limit) {
			t.Fatalf("%d decoded bytes returned, limit %d", used, limit)
		}
		if truncated {
			return
		}
		// InRun's promise: each run of run bytes gives the same blobs alone as in the text.
		var perRun []decode.Blob
		for i := 0; i < len(input); {
			if !decode.InRun(input[i]) {
				i++
				continue
			}
			j := i
			for j < len(input) && decode.InRun(input[j]) {
				j++
			}
			got, _ := decode.Find(input[i:j], int(limit))
			for _, b := range got {
				b.Start, b.End = b.Start+i, b.End+i
				perRun = append(perRun, b)
			}
			i = j
		}
		if len(perRun) != len(blobs) {
			t.Fatalf("%d blobs in the whole text, %d run by run", len(blobs), len(perRun))
		}
		for k := range blobs {
			a, b := blobs[k], perRun[k]
			if a.Kind != b.Kind || a.Start != b.Start || a.End != b.End || !bytes.Equal(a.Text, b.Text) {
				t.Fatalf("blob %d: %s %d-%d %q in the whole text, %s %d-%d %q run by run", k, a.Kind, a.Start, a.End, a.Text, b.Kind, b.Start, b.End, b.Text)
			}
		}
	})
}

// FuzzBundleRead: bundle.Read never panics, and a bundle it accepts is written and read back
// the same. Inputs that start like a bundle are also tried with their digest recomputed, so
// that the fuzzer reaches the length line and the JSON behind the digest check.
func FuzzBundleRead(f *testing.F) {
	good := sampleBundle(f)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add(good[:len(good)-1])
	for _, i := range []int{0, len(good) / 3, len(good) - 1} {
		flipped := bytes.Clone(good)
		flipped[i] ^= 0x20
		f.Add(flipped)
	}
	header := len("OKTSEC-BUNDLE 2\n") + 2*sha256.Size + 1
	payload := good[header:]
	nl := bytes.IndexByte(payload, '\n')
	for _, length := range []string{"0", "-1", "99999999", "1" + string(payload[:nl]), "", "x", strings.Repeat("9", 21)} {
		f.Add(seal(append([]byte(length), payload[nl:]...)))
	}
	f.Add(seal([]byte("2\n{}")))
	f.Add(seal([]byte(`41\n{"format":2,"rules":{"rules":[null]}}`)))
	f.Add([]byte("OKTSEC-BUNDLE 1\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		checkBundle(t, data)
		if rest, ok := bytes.CutPrefix(data, []byte("OKTSEC-BUNDLE 2\n")); ok && len(rest) > 2*sha256.Size {
			checkBundle(t, seal(rest[2*sha256.Size+1:]))
		}
	})
}

// sampleBundle writes a bundle of a tiny compiled rule set.
func sampleBundle(f *testing.F) []byte {
	src := `rule A { severity high category x meta { title = "t" remediation = "r" } strings { $a = /a{1,3}b/ nocase $b = "ignore previous" } condition: $a or #b >= 2 }`
	set, diags := dsl.Compile([]dsl.Source{{Name: "tiny.okt", Data: []byte(src)}})
	if set == nil {
		f.Fatalf("compile the sample rule: %v", diags)
	}
	var buf bytes.Buffer
	b := &bundle.Bundle{Created: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Backend: "go",
		Sources: []string{"tiny.okt"}, Rules: set, Vectorscan: []byte("\x00image\n\xff")}
	if err := bundle.Write(&buf, b); err != nil {
		f.Fatalf("write the sample bundle: %v", err)
	}
	return buf.Bytes()
}

// seal makes a bundle file of payload with the right digest.
func seal(payload []byte) []byte {
	sum := sha256.Sum256(payload)
	return append([]byte("OKTSEC-BUNDLE 2\n"+hex.EncodeToString(sum[:])+"\n"), payload...)
}

// checkBundle reads data and, when it is accepted, checks that writing and reading it again
// gives the same bundle.
func checkBundle(t *testing.T, data []byte) {
	b1, err := bundle.Read(data)
	if err != nil {
		return
	}
	var buf bytes.Buffer
	if err := bundle.Write(&buf, b1); err != nil {
		t.Fatalf("a bundle Read accepts cannot be written: %v (input %q)", err, data)
	}
	b2, err := bundle.Read(buf.Bytes())
	if err != nil {
		t.Fatalf("a bundle Write made cannot be read: %v (input %q)", err, data)
	}
	if d1, d2 := describe(t, b1), describe(t, b2); d1 != d2 {
		t.Fatalf("bundle changed in a round trip:\n first  %s\n second %s\n(input %q)", d1, d2, data)
	}
}

// describe renders everything a bundle holds, for comparison.
func describe(t *testing.T, b *bundle.Bundle) string {
	rules, err := json.Marshal(b.Rules)
	if err != nil {
		t.Fatalf("encode rules: %v", err)
	}
	return fmt.Sprintf("format %d created %s backend %q sources %q vectorscan %q rules %s",
		b.Format, b.Created.Format(time.RFC3339Nano), b.Backend, b.Sources, b.Vectorscan, rules)
}
