package normalize_test

import (
	"testing"

	"github.com/oktsec/oktsec/engine/normalize"
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
