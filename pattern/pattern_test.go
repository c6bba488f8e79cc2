package pattern_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"
	"github.com/oktsec/oktsec/pattern"
)

func factorString(f pattern.Factor) string {
	quoted := make([]string, len(f.Literals))
	for i, l := range f.Literals {
		quoted[i] = strconv.Quote(l)
	}
	return fmt.Sprintf("[%s] at %d..%d", strings.Join(quoted, " "), f.Offset[0], f.Offset[1])
}

// TestAnalyze runs testdata/analyze: `analyze [window=N] [fast=LIT]` with an expression as input
// prints the bounded expression, the match length bounds and the prefilter literals.
func TestAnalyze(t *testing.T) {
	datadriven.RunTest(t, "testdata/analyze", func(t *testing.T, d *datadriven.TestData) string {
		switch d.Cmd {
		case "analyze":
			window := 0
			fast := ""
			if d.HasArg("window") {
				d.ScanArgs(t, "window", &window)
			}
			if d.HasArg("fast") {
				d.ScanArgs(t, "fast", &fast)
			}
			a, err := pattern.Analyze(d.Input, window, fast)
			if err != nil {
				return "error: " + err.Error() + "\n"
			}
			var b strings.Builder
			fmt.Fprintf(&b, "expr: %s\nlen: %d..%d\nselective: %t foldks: %t\n", a.Expr, a.MinLen, a.MaxLen, a.Selective(), a.FoldKS)
			for _, p := range a.Prefilters {
				fmt.Fprintf(&b, "prefilter %s\n", factorString(p.Factor))
				for _, f := range p.Secondary {
					fmt.Fprintf(&b, "  and %s\n", factorString(f))
				}
			}
			return b.String()
		case "base64":
			forms, err := pattern.Base64Forms([]byte(d.Input))
			if err != nil {
				return "error: " + err.Error() + "\n"
			}
			return strings.Join(forms, "\n") + "\n"
		case "wide":
			re, err := pattern.Parse(d.Input)
			if err != nil {
				return "error: " + err.Error() + "\n"
			}
			w, err := pattern.Wide(re)
			if err != nil {
				return "error: " + err.Error() + "\n"
			}
			return w.String() + "\n"
		}
		d.Fatalf(t, "unknown command %q", d.Cmd)
		return ""
	})
}
