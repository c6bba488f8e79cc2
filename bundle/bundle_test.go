package bundle

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/oktsec/oktsec/ir"
)

func sample(vectorscan []byte) *Bundle {
	return &Bundle{
		Created:    time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Backend:    "vectorscan",
		Sources:    []string{"a.okt", "b.okt"},
		Rules:      &ir.RuleSet{Rules: []*ir.Rule{{ID: "R_1", Severity: ir.High, Category: "test"}}},
		Vectorscan: vectorscan,
	}
}

func encode(t *testing.T, b *Bundle) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, b); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRoundTrip(t *testing.T) {
	for _, img := range [][]byte{nil, []byte("\x00binary\nimage\xff{\"json\":1}")} {
		data := encode(t, sample(img))
		got, err := Read(data)
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		if got.Format != format || got.Backend != "vectorscan" || !got.Created.Equal(sample(nil).Created) ||
			strings.Join(got.Sources, ",") != "a.okt,b.okt" || len(got.Rules.Rules) != 1 || got.Rules.Rules[0].ID != "R_1" {
			t.Errorf("read back %+v", got)
		}
		if !bytes.Equal(got.Vectorscan, img) {
			t.Errorf("vectorscan image %q, want %q", got.Vectorscan, img)
		}
	}
}

func TestReadRefuses(t *testing.T) {
	good := encode(t, sample([]byte("image")))
	header := len(magic) + 2*32 + 1 // magic, hex digest, newline
	flip := func(i int) []byte {
		d := bytes.Clone(good)
		d[i] ^= 1
		return d
	}
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "not an oktsec bundle"},
		{"other file", []byte("{\"rules\":[]}"), "not an oktsec bundle"},
		{"format 1", []byte("OKTSEC-BUNDLE 1\n" + strings.Repeat("0", 64) + "\n{}"), "format 1 is no longer read"},
		{"format 2", []byte("OKTSEC-BUNDLE 2\n" + strings.Repeat("0", 64) + "\n{}"), "format 2 is no longer read"},
		{"short digest", []byte(magic + "abcd\n{}"), "bad digest line"},
		{"digest not hex", []byte(magic + strings.Repeat("z", 64) + "\n{}"), "bad digest line"},
		{"json byte changed", flip(header + 5), "corrupt"},
		{"image byte changed", flip(len(good) - 1), "corrupt"},
		{"truncated", good[:len(good)-2], "corrupt"},
		{"digest changed", flip(len(magic)), "corrupt"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := Read(c.data)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Read = %v, %v; want an error containing %q", b, err, c.want)
			}
			if strings.Contains(c.want, "corrupt") && !errors.Is(err, ErrCorrupt) {
				t.Errorf("error %v is not ErrCorrupt", err)
			}
		})
	}
}

// TestReadChecksLength: a payload whose digest matches but whose length line does not fit is
// refused, not read past its end.
func TestReadChecksLength(t *testing.T) {
	for _, payload := range []string{"x\n{}", "99\n{}", "-1\n{}", "{}", "2\n{}"} {
		var buf bytes.Buffer
		if err := writeRaw(&buf, []byte(payload)); err != nil {
			t.Fatal(err)
		}
		b, err := Read(buf.Bytes())
		if err == nil {
			t.Errorf("payload %q: read %+v, want an error", payload, b)
		}
	}
}

// writeRaw seals an arbitrary payload the way Write does.
func writeRaw(buf *bytes.Buffer, payload []byte) error {
	sum := sha256.Sum256(payload)
	_, err := fmt.Fprintf(buf, "%s%s\n%s", magic, hex.EncodeToString(sum[:]), payload)
	return err
}
