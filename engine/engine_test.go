package engine_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"
	"github.com/oktsec/oktsec/dsl"
	"github.com/oktsec/oktsec/engine"
)

// TestDataDriven runs the cases in testdata/:
//
//	rules            compiles its input as a rule file and makes it the current set
//	scan [escaped] [repeat=N]
//	                 scans its input (with escaped, Go escapes like \x00 and \u200b are undone
//	                 first; with repeat, the input N times over) and prints the verdict, each
//	                 finding and each note
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
				return describe(scanner.Scan(input), input)
			default:
				d.Fatalf(t, "unknown command %q", d.Cmd)
				return ""
			}
		})
	})
}

func describe(res *engine.Result, input []byte) string {
	var b strings.Builder
	fmt.Fprintf(&b, "verdict: %s\n", res.Verdict)
	for _, f := range res.Findings {
		fmt.Fprintf(&b, "%s %s %s %s %d-%d %q %q\n", f.Rule, f.Severity, f.Surface, f.Layer, f.Start, f.End, input[f.Start:f.End], f.Excerpt)
	}
	for _, n := range res.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	return b.String()
}
