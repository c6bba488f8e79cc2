package engine_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"
	"github.com/oktsec/oktsec/dsl"
	"github.com/oktsec/oktsec/engine"
	"github.com/oktsec/oktsec/frame"
	"github.com/oktsec/oktsec/policy"
)

// TestDataDriven runs the cases in testdata/:
//
//	rules            compiles its input as a rule file and makes it the current set
//	scan [escaped] [repeat=N] [message-limit=N] [as=FORMAT] [method=METHOD]
//	                 scans its input (with escaped, Go escapes like \x00 and \u200b are undone
//	                 first; with repeat, the input N times over), framed as package frame does
//	                 (as: the format, method: the request a response answers), and prints the verdict, each
//	                 finding and each note. Every scan also checks that streams given the input
//	                 cut every which way, with text held whole or scanned in a window, find the
//	                 same (see checkStreams).
func TestDataDriven(t *testing.T) {
	datadriven.Walk(t, "testdata", func(t *testing.T, path string) {
		var scanner *engine.Scanner
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			switch d.Cmd {
			case "rules":
				set, diags := dsl.Compile([]dsl.Source{{Name: "test.okt", Data: []byte(d.Input)}})
				if set == nil {
					return diags.Error() + "\n"
				}
				db, err := engine.Compile(set)
				if err != nil {
					return err.Error() + "\n"
				}
				scanner = engine.NewScanner(db)
				return fmt.Sprintf("ok: %d rules\n", len(set.Rules))
			case "scan":
				if scanner == nil {
					d.Fatalf(t, "scan before rules")
				}
				input := []byte(d.Input)
				if d.HasArg("escaped") {
					s, err := strconv.Unquote(`"` + strings.ReplaceAll(d.Input, `"`, `\"`) + `"`)
					if err != nil {
						d.Fatalf(t, "unquote input: %v", err)
					}
					input = []byte(s)
				}
				if d.HasArg("repeat") {
					var n int
					d.ScanArgs(t, "repeat", &n)
					input = []byte(strings.Repeat(string(input), n))
				}
				var spec frame.Spec
				if d.HasArg("message-limit") {
					d.ScanArgs(t, "message-limit", &spec.MessageLimit)
				}
				if d.HasArg("as") {
					var f string
					d.ScanArgs(t, "as", &f)
					var err error
					if spec.Format, err = frame.ParseFormat(f); err != nil {
						d.Fatalf(t, "%v", err)
					}
				}
				if d.HasArg("method") {
					d.ScanArgs(t, "method", &spec.Method)
				}
				out := describe(scanSpec(t, scanner, spec, input), input)
				checkStreams(t, scanner, spec, input, out)
				return out
			default:
				d.Fatalf(t, "unknown command %q", d.Cmd)
				return ""
			}
		})
	})
}

func describe(res *engine.Result, input []byte) string {
	var b strings.Builder
	fmt.Fprintf(&b, "verdict: %s\n", policy.Decide(res.Findings).Decision)
	for _, f := range res.Findings {
		fmt.Fprintf(&b, "%s %s %s %s %d-%d %q %q\n", f.Rule, f.Severity, f.Surface, f.Layer, f.Start, f.End, input[f.Start:f.End], f.Excerpt)
	}
	for _, n := range res.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	return b.String()
}

// checkStreams fails the test unless streams fed input in pieces (every size up to 16 and a few
// larger, and pieces of mixed sizes), with text units held whole and scanned in a window,
// describe the same result as want.
func checkStreams(t *testing.T, s *engine.Scanner, spec frame.Spec, input []byte, want string) {
	t.Helper()
	sizes := [][]int{{4096}, {65536}, {5, 1, 64, 3}}
	if len(input) <= 1<<16 {
		for n := 1; n <= 16; n++ {
			sizes = append(sizes, []int{n})
		}
	}
	for _, unitBuffer := range []int{0, 1} {
		s := s.WithLimits(engine.Limits{UnitBuffer: unitBuffer})
		for _, sz := range sizes {
			if got := describe(streamedSpec(t, s, spec, input, sz...), input); got != want {
				t.Fatalf("streamed in pieces of %v (unit buffer %d):\n%s", sz, unitBuffer, firstDiff(got, want))
			}
		}
	}
}
