package hsmatch

import (
	"reflect"
	"testing"
)

func TestImageRoundTrip(t *testing.T) {
	im := &image{
		ids:         []int{7, -3, 1 << 40},
		prefiltered: []int{-3},
		fallbacks:   []Fallback{{ID: 9, Reason: "expression can match the empty string"}},
		block:       []byte("block bytes\x00\xff"),
	}
	b := im.encode()
	got, err := decodeImage(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, im) {
		t.Fatalf("decoded %+v, want %+v", got, im)
	}
	// Every truncation and a trailing byte are errors, never panics.
	for n := range len(b) {
		if _, err := decodeImage(b[:n]); err == nil {
			t.Errorf("truncated to %d bytes: no error", n)
		}
	}
	if _, err := decodeImage(append(b, 0)); err == nil {
		t.Error("trailing byte: no error")
	}
	// A huge length must not allocate.
	if _, err := decodeImage(append([]byte(formatMagic), 0xff, 0xff, 0xff, 0xff, 0x0f)); err == nil {
		t.Error("huge length: no error")
	}
}
