package acmatch_test

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/oktsec/oktsec/engine/acmatch"
)

// naivePositions finds every (overlapping) occurrence with bytes.Index.
func naivePositions(text, lit []byte) []int {
	var out []int
	for from := 0; from < len(text); {
		i := bytes.Index(text[from:], lit)
		if i < 0 {
			break
		}
		out = append(out, from+i)
		from += i + 1
	}
	return out
}

func TestScanFindsEveryOccurrence(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	alphabet := []byte("abcab\x00\xff")
	for round := 0; round < 200; round++ {
		var lits [][]byte
		for i := 0; i < 1+rng.IntN(12); i++ {
			l := make([]byte, 1+rng.IntN(5))
			for j := range l {
				l[j] = alphabet[rng.IntN(len(alphabet))]
			}
			lits = append(lits, l)
		}
		text := make([]byte, rng.IntN(300))
		for j := range text {
			text[j] = alphabet[rng.IntN(len(alphabet))]
		}
		a := acmatch.Build(lits)
		// Whole text, and the same text in random chunks with the state carried.
		whole := make([][]int, len(lits))
		a.Scan(0, text, 0, whole, nil)
		chunked := make([][]int, len(lits))
		state := int32(0)
		for off := 0; off < len(text); {
			n := min(len(text)-off, 1+rng.IntN(7))
			state, _ = a.Scan(state, text[off:off+n], off, chunked, nil)
			off += n
		}
		for i, l := range lits {
			want := naivePositions(text, l)
			if !slices.Equal(whole[i], want) {
				t.Fatalf("literal %q in %q: got %v, want %v", l, text, whole[i], want)
			}
			if !slices.Equal(chunked[i], want) {
				t.Fatalf("chunked: literal %q in %q: got %v, want %v", l, text, chunked[i], want)
			}
		}
	}
}

func TestFoundListsFirstOccurrences(t *testing.T) {
	a := acmatch.Build([][]byte{[]byte("he"), []byte("she"), []byte("hers"), []byte("x")})
	pos := make([][]int, 4)
	_, found := a.Scan(0, []byte("ushers she"), 0, pos, nil)
	if !slices.Equal(found, []int{1, 0, 2}) {
		t.Fatalf("found = %v, want [1 0 2]", found)
	}
	if !slices.Equal(pos[0], []int{2, 8}) || !slices.Equal(pos[1], []int{1, 7}) || !slices.Equal(pos[2], []int{2}) || len(pos[3]) != 0 {
		t.Fatalf("positions = %v", pos)
	}
}
