package bench

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
)

// The CI gate (`make bench-gate`) never compares absolute times: each case is a ratio of two
// timings taken in the same run on the same input, Baseline ÷ Subject, and fails when that
// ratio falls below its floor in floors.json. Today every case is the engine's speed-up over
// the naive regexp-per-rule baseline; a later suite (the gateway hop, audit appends) adds its
// own case here with its own pair of benchmarks, and a floor.

// GateCase is one ratio the gate checks. Subject and Baseline name benchmarks of `make bench`
// (without the "Benchmark" prefix), so the report can show the same ratio from the full run.
type GateCase struct {
	Name     string
	Subject  string
	Baseline string
}

// GateCases are the ratios checked by the gate, in report order.
var GateCases = []GateCase{
	{Name: "prose-64KiB", Subject: "Throughput/corpus=prose/size=64KiB/backend=engine", Baseline: "Throughput/corpus=prose/size=64KiB/backend=naive"},
	{Name: "json-64KiB", Subject: "Throughput/corpus=json/size=64KiB/backend=engine", Baseline: "Throughput/corpus=json/size=64KiB/backend=naive"},
	{Name: "mcp-64KiB", Subject: "Throughput/corpus=mcp/size=64KiB/backend=engine", Baseline: "Throughput/corpus=mcp/size=64KiB/backend=naive"},
	{Name: "message-1KiB", Subject: "Throughput/corpus=json/size=1KiB/backend=engine", Baseline: "Throughput/corpus=json/size=1KiB/backend=naive"},
	{Name: "stream-json-64KiB-4KiB-writes", Subject: "Stream/corpus=json/size=64KiB/write=4KiB", Baseline: "Throughput/corpus=json/size=64KiB/backend=naive"},
}

// Floor is the lowest acceptable ratio for one gate case.
type Floor struct {
	Case string `json:"case"`
	// MinRatio is the floor for Baseline ÷ Subject (for the engine cases: its speed-up over
	// the naive baseline).
	MinRatio float64 `json:"min_ratio"`
	// Measured records, for the reviewer, the ratios seen when the floor was set.
	Measured string `json:"measured,omitempty"`
}

// Floors is the reviewed floors file.
type Floors struct {
	// About explains the file to its reviewers.
	About  []string `json:"about,omitempty"`
	Floors []Floor  `json:"floors"`
}

// ReadFloors reads and checks a floors file: every floor names a known gate case once and is
// a positive number.
func ReadFloors(path string) (*Floors, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f Floors
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	known := map[string]bool{}
	for _, c := range GateCases {
		known[c.Name] = true
	}
	seen := map[string]bool{}
	for _, fl := range f.Floors {
		switch {
		case !known[fl.Case]:
			return nil, fmt.Errorf("%s: floor for unknown gate case %q", path, fl.Case)
		case seen[fl.Case]:
			return nil, fmt.Errorf("%s: two floors for %q", path, fl.Case)
		case !(fl.MinRatio > 0) || math.IsInf(fl.MinRatio, 0):
			return nil, fmt.Errorf("%s: floor for %q must be a positive number, not %v", path, fl.Case, fl.MinRatio)
		}
		seen[fl.Case] = true
	}
	return &f, nil
}

// Floor returns the floor of a case.
func (f *Floors) Floor(name string) (float64, bool) {
	for _, fl := range f.Floors {
		if fl.Case == name {
			return fl.MinRatio, true
		}
	}
	return 0, false
}

// CheckGate compares measured ratios (by case name) with the floors and returns one problem
// per failing case, sorted: a ratio below its floor, a floor whose case was not measured, or
// a measured case without a floor (every gate case must be reviewed). No problems means the
// gate passes.
func CheckGate(measured map[string]float64, floors *Floors) []string {
	var problems []string
	for _, fl := range floors.Floors {
		m, ok := measured[fl.Case]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("%s: not measured (floor %.3g×)", fl.Case, fl.MinRatio))
		case math.IsNaN(m) || m < fl.MinRatio:
			problems = append(problems, fmt.Sprintf("%s: ratio %.3g× is below its floor %.3g×", fl.Case, m, fl.MinRatio))
		}
	}
	for name := range measured {
		if _, ok := floors.Floor(name); !ok {
			problems = append(problems, fmt.Sprintf("%s: measured but has no floor in the floors file", name))
		}
	}
	sort.Strings(problems)
	return problems
}

// Median returns the median of xs (the mean of the middle two for an even count), NaN for none.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// SizeName formats a byte count the way benchmark names use it: 256B, 4KiB, 1MiB.
func SizeName(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%dMiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%dKiB", n>>10)
	}
	return fmt.Sprintf("%dB", n)
}
