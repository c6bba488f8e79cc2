package engine_test

import (
	"context"
	"testing"

	"github.com/oktsec/oktsec/engine"
	"github.com/oktsec/oktsec/frame"
	"github.com/oktsec/oktsec/policy"
)

// The engine's tests scan inputs as oktsec scan does, framed by package frame: JSON-RPC
// messages with their surfaces, anything else text.

// scanAuto scans a whole input framed as frame.Auto.
func scanAuto(t testing.TB, s *engine.Scanner, input []byte) *engine.Result {
	t.Helper()
	return scanSpec(t, s, frame.Spec{}, input)
}

// scanSpec scans a whole input framed as spec says.
func scanSpec(t testing.TB, s *engine.Scanner, spec frame.Spec, input []byte) *engine.Result {
	t.Helper()
	res, err := frame.Scan(context.Background(), s, spec, input)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// streamed feeds input to a stream (frame.Auto) in pieces of the given sizes (cycled).
func streamed(t testing.TB, s *engine.Scanner, input []byte, sizes ...int) *engine.Result {
	t.Helper()
	return streamedSpec(t, s, frame.Spec{}, input, sizes...)
}

// streamedSpec feeds input to a stream framed as spec says, in pieces of the given sizes.
func streamedSpec(t testing.TB, s *engine.Scanner, spec frame.Spec, input []byte, sizes ...int) *engine.Result {
	t.Helper()
	st := frame.NewStream(context.Background(), s, spec)
	for i, k := 0, 0; i < len(input); k++ {
		n := min(sizes[k%len(sizes)], len(input)-i)
		if _, err := st.Write(input[i : i+n]); err != nil {
			t.Fatal(err)
		}
		i += n
	}
	res, err := st.Close()
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// decisionOf is the decision of the strictest finding.
func decisionOf(fs []engine.Finding) policy.Decision { return policy.Decide(fs).Decision }
