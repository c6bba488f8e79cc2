package hsmatch

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// The serialized form of a Database: a magic string, then the id table, the prefiltered and
// fallback ids, and the serialized block-mode Hyperscan database. Integers are varints; byte
// strings and lists are length-prefixed. The Hyperscan part carries its own version and
// platform checks, made when it is deserialized. Format 1 also held a stream-mode database.
const formatMagic = "OKHSM\x02"

// image is the library-independent content of a Database.
type image struct {
	// ids maps an expression index in the Hyperscan databases to the caller's pattern ID.
	ids []int
	// prefiltered lists the pattern IDs compiled with HS_FLAG_PREFILTER.
	prefiltered []int
	fallbacks   []Fallback
	// block is the serialized block-mode database.
	block []byte
}

func (im *image) encode() []byte {
	n := len(formatMagic) + len(im.block) + 16*(len(im.ids)+len(im.fallbacks)) + 64
	b := make([]byte, 0, n)
	b = append(b, formatMagic...)
	b = appendInts(b, im.ids)
	b = appendInts(b, im.prefiltered)
	b = binary.AppendUvarint(b, uint64(len(im.fallbacks)))
	for _, f := range im.fallbacks {
		b = binary.AppendVarint(b, int64(f.ID))
		b = appendBytes(b, []byte(f.Reason))
	}
	b = appendBytes(b, im.block)
	return b
}

func appendInts(b []byte, v []int) []byte {
	b = binary.AppendUvarint(b, uint64(len(v)))
	for _, x := range v {
		b = binary.AppendVarint(b, int64(x))
	}
	return b
}

func appendBytes(b, v []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

var errFormat = errors.New("not a serialized hsmatch database")

// decodeImage parses b; the database parts alias b.
func decodeImage(b []byte) (*image, error) {
	if len(b) < len(formatMagic) || string(b[:len(formatMagic)]) != formatMagic {
		return nil, fmt.Errorf("hsmatch: unmarshal: %w (bad magic)", errFormat)
	}
	r := reader{b: b[len(formatMagic):]}
	im := &image{ids: r.ints(), prefiltered: r.ints()}
	nf := r.count(2)
	for i := 0; i < nf && r.err == nil; i++ {
		im.fallbacks = append(im.fallbacks, Fallback{ID: r.int(), Reason: string(r.bytes())})
	}
	im.block = r.bytes()
	if r.err == nil && len(r.b) != 0 {
		r.err = fmt.Errorf("%d trailing bytes", len(r.b))
	}
	if r.err != nil {
		return nil, fmt.Errorf("hsmatch: unmarshal: %w: %w", errFormat, r.err)
	}
	return im, nil
}

// reader reads the varint fields of a serialized image, remembering the first error.
type reader struct {
	b   []byte
	err error
}

func (r *reader) uint() uint64 { return readVarint(r, binary.Uvarint) }

func (r *reader) int() int { return int(readVarint(r, binary.Varint)) }

// readVarint reads one varint with decode (binary.Uvarint or binary.Varint).
func readVarint[T uint64 | int64](r *reader, decode func([]byte) (T, int)) T {
	if r.err != nil {
		return 0
	}
	v, n := decode(r.b)
	if n <= 0 {
		r.err = errors.New("truncated")
		return 0
	}
	r.b = r.b[n:]
	return v
}

// count reads a length whose items take at least min bytes each, checking it against what is
// left so that a corrupt length cannot make a huge allocation.
func (r *reader) count(min int) int {
	n := r.uint()
	if r.err == nil && n > uint64(len(r.b)/min) {
		r.err = fmt.Errorf("length %d exceeds the data", n)
		return 0
	}
	return int(n)
}

func (r *reader) ints() []int {
	n := r.count(1)
	if n == 0 {
		return nil
	}
	v := make([]int, n)
	for i := range v {
		v[i] = r.int()
	}
	return v
}

func (r *reader) bytes() []byte {
	n := r.count(1)
	if r.err != nil {
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}
