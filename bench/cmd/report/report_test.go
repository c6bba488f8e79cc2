package main

import (
	"bytes"
	"image/png"
	"math"
	"strings"
	"testing"

	"github.com/oktsec/oktsec/bench"
)

const sample = `goos: linux
goarch: amd64
pkg: github.com/oktsec/oktsec/bench
cpu: Test CPU
backend: go (test)
BenchmarkThroughput/corpus=prose/size=64KiB/backend=engine-2   	     100	   4000000 ns/op	  16.38 MB/s	     65536 input-B	  1000 B/op	  10 allocs/op
BenchmarkThroughput/corpus=prose/size=64KiB/backend=engine-2   	     100	   5000000 ns/op	  13.11 MB/s	     65536 input-B	  1000 B/op	  10 allocs/op
BenchmarkThroughput/corpus=prose/size=64KiB/backend=engine-2   	     100	   4500000 ns/op	  14.56 MB/s	     65536 input-B	  1000 B/op	  10 allocs/op
BenchmarkThroughput/corpus=prose/size=64KiB/backend=naive-2    	       1	2400000000 ns/op	   0.03 MB/s	     65536 input-B
BenchmarkThroughput/corpus=prose/size=64KiB/backend=naive-2    	       1	2600000000 ns/op	   0.03 MB/s	     65536 input-B
BenchmarkThroughput/corpus=prose/size=64KiB/backend=naive-2    	       1	2500000000 ns/op	   0.03 MB/s	     65536 input-B
BenchmarkStream/corpus=json/size=64KiB/write=4KiB-2            	      50	   5000000 ns/op	  13.11 MB/s	     65536 input-B	  2000 B/op	  20 allocs/op
BenchmarkLatency/size=1KiB-2   	   20000	     60000 ns/op	  17.07 MB/s	      1024 input-B	     50000 p50-ns	     90000 p90-ns	    200000 p99-ns	  900 B/op	  9 allocs/op
BenchmarkLatency/size=4KiB-2   	    5000	    200000 ns/op	  20.48 MB/s	      4096 input-B	    180000 p50-ns	    300000 p90-ns	    500000 p99-ns	  900 B/op	  9 allocs/op
BenchmarkCompile/from=source-2 	       3	 400000000 ns/op	170000000 B/op	 1600000 allocs/op
BenchmarkScanCLI/input=dir-2   	       1	5000000000 ns/op	   3.64 MB/s	  18200000 input-B	       200.0 files	         3.000 flagged-files	         3.000 planted-attacks
BenchmarkGateway/size=4KiB/mode=scan-2 	    1000	    600000 ns/op	       520000 p50-ns
--- BENCH: some log line
PASS
ok  	github.com/oktsec/oktsec/bench	100.0s
`

func TestParse(t *testing.T) {
	run, err := Parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	if run.Config["cpu"] != "Test CPU" || run.Config["gomaxprocs"] != "2" {
		t.Errorf("config = %v", run.Config)
	}
	e := run.Get("Throughput/corpus=prose/size=64KiB/backend=engine")
	if e == nil || e.Suite != "Throughput" || e.Param("corpus") != "prose" || e.Param("backend") != "engine" {
		t.Fatalf("engine result = %+v", e)
	}
	if s := e.Stat("ns/op"); s.N != 3 || s.Median != 4500000 || s.Min != 4000000 || s.Max != 5000000 {
		t.Errorf("ns/op stat = %+v", s)
	}
	// MB/s from the exact byte count, not go test's two decimals.
	n := run.Get("Throughput/corpus=prose/size=64KiB/backend=naive")
	if got, want := n.MBps().Median, 65536/2.5e9*1e3; math.Abs(got-want) > 1e-9 {
		t.Errorf("naive MB/s = %v, want %v", got, want)
	}
	if len(run.Suite("Latency")) != 2 || run.Get("Gateway/size=4KiB/mode=scan") == nil {
		t.Errorf("suites not parsed: %v", run.Results)
	}
}

func TestStat(t *testing.T) {
	s := NewStat([]float64{10, 12, 11, 9, 30})
	if s.Median != 11 || s.Min != 9 || s.Max != 30 || math.Abs(s.Spread()-19.0/11) > 1e-12 {
		t.Errorf("stat = %+v, spread %v", s, s.Spread())
	}
	if s := NewStat([]float64{1, 3}); s.Median != 2 {
		t.Errorf("even median = %v", s.Median)
	}
	if s := NewStat(nil); s.OK() || !math.IsNaN(s.Median) {
		t.Errorf("empty stat = %+v", s)
	}
}

func TestReportAndChart(t *testing.T) {
	run, err := Parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	floors := &bench.Floors{Floors: []bench.Floor{{Case: "prose-64KiB", MinRatio: 1000}}}
	var md bytes.Buffer
	WriteReport(&md, run, floors, Meta{Date: "today", GoVersion: "go1.x", Commit: "abc", Input: "bench.txt"}, "throughput.png")
	out := md.String()
	for _, want := range []string{
		"Engine backend: go (test).", "## Summary", "| prose, 64 KiB, MB/s | 14.6 ±13% | 0.0262 ±4% |", "556× (480–650)", // 2.5e9/4.5e6; min 2.4e9/5e6, max 2.6e9/4e6
		"| prose-64KiB |", "1,000×", "**below floor**", // the ratio is under the fabricated floor
		"## Streaming", "## Latency per message size", "| 1KiB | 60.0 | 50.0 | 90.0 | 200 |",
		"## Rule set compile", "| source | 400 |", "## `oktsec scan` end to end", "| dir | 5.00 | 18.2 MB |",
		"## Other suites", "`Gateway/size=4KiB/mode=scan`", "![", "(throughput.png)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	var img bytes.Buffer
	if err := WriteChart(&img, run, floors); err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(&img)
	if err != nil || cfg.Width < 800 || cfg.Height < 500 {
		t.Errorf("chart: %v, %dx%d", err, cfg.Width, cfg.Height)
	}
}
