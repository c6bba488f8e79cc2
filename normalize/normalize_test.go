package normalize_test

import (
	"testing"

	"github.com/oktsec/oktsec/normalize"
)

func TestText(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"ascii unchanged", "ignore previous", "ignore previous"},
		{"fullwidth", "ｉｇｎｏｒｅ", "ignore"},
		{"zero-width split", "ig\u200bno\u200cre\u200d", "ignore"},
		{"bidi and tags removed", "a\u202eb\U000E0041c", "abc"},
		{"soft hyphen and word joiner", "pass\u00adword\u2060", "password"},
		{"variation selector", "s\ufe0fecret", "secret"},
		{"ligature", "ﬁle", "file"},
		{"composition", "e\u0301", "\u00e9"},
		{"circled letters", "ⓘⓖⓝⓞⓡⓔ", "ignore"},
		{"math bold", "𝐢𝐠𝐧𝐨𝐫𝐞", "ignore"},
		{"invalid utf-8 kept", "a\xffb", "a\xffb"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := normalize.Text([]byte(tc.in))
			if string(got) != tc.want {
				t.Fatalf("Text(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestOffsetsMapBack checks that every normalized character maps back to the source bytes it
// came from.
func TestOffsetsMapBack(t *testing.T) {
	src := "xｉ\u200bｇ\u200bnore y"
	out, chain := normalize.Text([]byte(src))
	if string(out) != "xignore y" {
		t.Fatalf("normalized %q", out)
	}
	for _, tc := range []struct {
		normStart, normEnd int
		want               string
	}{
		{0, 1, "x"},
		{1, 2, "ｉ"},
		{2, 3, "ｇ"},
		{1, 7, "ｉ\u200bｇ\u200bnore"},
		{8, 9, "y"},
		{0, 9, src},
	} {
		s, e := chain.Start(tc.normStart), chain.End(tc.normEnd)
		if got := src[s:e]; got != tc.want {
			t.Errorf("norm %d-%d maps to %d-%d %q, want %q", tc.normStart, tc.normEnd, s, e, got, tc.want)
		}
	}
	if got := chain.Inverse(len("xｉ\u200b")); got != 2 {
		t.Errorf("Inverse of the source offset of ｇ = %d, want 2", got)
	}
}

func TestMapMergesLinearRuns(t *testing.T) {
	var m normalize.Map
	m.Add(3, 3)
	m.Add(2, 2)
	m.Add(1, 3)
	m.Add(0, 3)
	m.Add(4, 4)
	if m.Units() != 4 {
		t.Fatalf("units = %d, want 4 (the two leading linear runs merged)", m.Units())
	}
	if out, in := m.Len(); out != 10 || in != 15 {
		t.Fatalf("Len = %d, %d; want 10, 15", out, in)
	}
	if got := m.Start(5); got != 5 {
		t.Errorf("Start(5) = %d, want 5", got)
	}
	if got := m.End(6); got != 8 {
		t.Errorf("End(6) = %d, want 8 (end of the 3-byte unit)", got)
	}
	if got := m.Start(6); got != 11 {
		t.Errorf("Start(6) = %d, want 11 (after the removed unit)", got)
	}
}

// TestStreamEqualsText: normalizing in pieces gives the text and the offsets of a whole
// normalization, for every cut.
func TestStreamEqualsText(t *testing.T) {
	inputs := []string{
		"plain ascii text",
		"ＩＧＮＯＲＥ ａｌｌ previous",
		"A\u200b\u0301 e\u0301 ﬁle \u212b x\u200d\u200dy",
		"\xff\xfe bad \xe2\x80 utf8 \xc3",
		"한국어 텍스트 \u1100\u1161\u11a8",
		"x\u0301\u0301\u0301\u0302\u0303 ½ ² ㎏",
	}
	for _, in := range inputs {
		want, wantChain := normalize.Text([]byte(in))
		for cut := 1; cut <= len(in); cut++ {
			var s normalize.Stream
			var got []byte
			for i := 0; i < len(in); i += cut {
				got = s.Write(got, []byte(in[i:min(i+cut, len(in))]))
			}
			got = s.Close(got)
			if string(got) != string(want) {
				t.Fatalf("%q in pieces of %d: got %q, want %q", in, cut, got, want)
			}
			chain := s.Chain()
			for p := 0; p <= len(want); p++ {
				if chain.Start(p) != wantChain.Start(p) || chain.End(p) != wantChain.End(p) {
					t.Fatalf("%q in pieces of %d: offset %d maps to %d-%d, want %d-%d", in, cut, p,
						chain.Start(p), chain.End(p), wantChain.Start(p), wantChain.End(p))
				}
			}
			for q := 0; q <= len(in); q++ {
				if chain.Inverse(q) != wantChain.Inverse(q) {
					t.Fatalf("%q in pieces of %d: source %d maps to %d, want %d", in, cut, q, chain.Inverse(q), wantChain.Inverse(q))
				}
			}
		}
	}
}
