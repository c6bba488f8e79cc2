package main

import (
	"bufio"
	"io"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Result holds every run of one benchmark.
type Result struct {
	// Name is the benchmark name without "Benchmark" and the -GOMAXPROCS suffix, e.g.
	// "Throughput/corpus=prose/size=64KiB/backend=engine".
	Name string
	// Suite is the first element of Name; Params the key=value elements after it.
	Suite  string
	Params map[string]string
	// Values has one value per run, by unit ("ns/op", "MB/s", "B/op", "p50-ns", ...).
	Values map[string][]float64
}

// Param returns a parameter or "".
func (r *Result) Param(k string) string { return r.Params[k] }

// Stat summarizes the runs of one unit.
func (r *Result) Stat(unit string) Stat { return NewStat(r.Values[unit]) }

// Run is a parsed `go test -bench` output: results in order of first appearance, and the
// header lines (goos, goarch, pkg, cpu).
type Run struct {
	Results []*Result
	Config  map[string]string
	byName  map[string]*Result
}

// Get returns a result by name, or nil.
func (r *Run) Get(name string) *Result { return r.byName[name] }

// Suite returns the results of one suite in order.
func (r *Run) Suite(s string) []*Result {
	var out []*Result
	for _, res := range r.Results {
		if res.Suite == s {
			out = append(out, res)
		}
	}
	return out
}

var procsSuffix = regexp.MustCompile(`-\d+$`)

// Parse reads `go test -bench` output. Lines that are not benchmark results or header lines
// are ignored.
func Parse(rd io.Reader) (*Run, error) {
	run := &Run{Config: map[string]string{}, byName: map[string]*Result{}}
	sc := bufio.NewScanner(rd)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if k, v, ok := strings.Cut(line, ": "); ok && !strings.Contains(k, " ") && !strings.HasPrefix(k, "Benchmark") {
			run.Config[k] = strings.TrimSpace(v)
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || len(f)%2 != 0 {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue
		}
		if m := procsSuffix.FindString(f[0]); m != "" {
			run.Config["gomaxprocs"] = m[1:]
		}
		name := procsSuffix.ReplaceAllString(strings.TrimPrefix(f[0], "Benchmark"), "")
		res := run.byName[name]
		if res == nil {
			parts := strings.Split(name, "/")
			res = &Result{Name: name, Suite: parts[0], Params: map[string]string{}, Values: map[string][]float64{}}
			for _, p := range parts[1:] {
				if k, v, ok := strings.Cut(p, "="); ok {
					res.Params[k] = v
				} else {
					res.Params[p] = ""
				}
			}
			run.byName[name] = res
			run.Results = append(run.Results, res)
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			res.Values[f[i+1]] = append(res.Values[f[i+1]], v)
		}
	}
	return run, sc.Err()
}

// Stat is the benchstat-style summary of several runs: the median, and the range.
type Stat struct {
	N                int
	Median, Min, Max float64
}

// NewStat summarizes values (N is 0 and the figures NaN for none).
func NewStat(xs []float64) Stat {
	if len(xs) == 0 {
		return Stat{Median: math.NaN(), Min: math.NaN(), Max: math.NaN()}
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return Stat{N: len(s), Median: med, Min: s[0], Max: s[len(s)-1]}
}

// OK reports whether there is at least one run.
func (s Stat) OK() bool { return s.N > 0 }

// Spread is the largest distance of a run from the median, relative to the median.
func (s Stat) Spread() float64 {
	if !s.OK() || s.Median == 0 {
		return 0
	}
	return math.Max(s.Max-s.Median, s.Median-s.Min) / math.Abs(s.Median)
}

// Scale returns the stat with every figure multiplied by k.
func (s Stat) Scale(k float64) Stat {
	return Stat{N: s.N, Median: s.Median * k, Min: s.Min * k, Max: s.Max * k}
}

// MBps is the throughput of each run in MB/s: from the exact "input-B" metric and ns/op where
// the benchmark reports it (go test prints MB/s with only two decimals), else go test's MB/s.
func (r *Result) MBps() Stat {
	in, ns := r.Values["input-B"], r.Values["ns/op"]
	if len(in) == 0 || len(in) != len(ns) {
		return r.Stat("MB/s")
	}
	xs := make([]float64, len(in))
	for i := range in {
		xs[i] = in[i] / ns[i] * 1e3
	}
	return NewStat(xs)
}
