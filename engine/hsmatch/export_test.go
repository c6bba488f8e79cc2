package hsmatch

// Exported for the tests of package hsmatch_test.

// NewByteOracle runs a translated expression with Go's regexp over bytes.
var NewByteOracle = newByteOracle

// Matches reports whether the translation matches all of b.
func (o *byteOracle) Matches(b []byte) bool { return o.matches(b) }

// BlockImage returns the serialized block-mode Hyperscan database inside a Marshal result.
func BlockImage(b []byte) ([]byte, error) {
	im, err := decodeImage(b)
	if err != nil {
		return nil, err
	}
	return im.block, nil
}
