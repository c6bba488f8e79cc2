package main

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/oktsec/oktsec/bench"
)

// Meta describes the run for the report header.
type Meta struct {
	Date, GoVersion, Commit, Input, Load string
}

// num formats a figure with three significant digits (more for large integers).
func num(v float64) string {
	switch a := math.Abs(v); {
	case math.IsNaN(v):
		return "–"
	case a >= 1000:
		return withCommas(fmt.Sprintf("%.0f", v))
	case a >= 100:
		return fmt.Sprintf("%.0f", v)
	case a >= 10:
		return fmt.Sprintf("%.1f", v)
	case a >= 1:
		return fmt.Sprintf("%.2f", v)
	case a == 0:
		return "0"
	}
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.3g", v), "0"), ".")
}

func withCommas(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// pm formats a stat as "median ±spread%".
func pm(s Stat) string {
	if !s.OK() {
		return "–"
	}
	if s.N == 1 {
		return num(s.Median)
	}
	return fmt.Sprintf("%s ±%.0f%%", num(s.Median), 100*s.Spread())
}

// ratio is Baseline ÷ Subject from two ns/op stats: the median ratio and the widest range the
// runs allow.
type ratio struct{ Median, Low, High float64 }

func ratioOf(subject, baseline Stat) ratio {
	if !subject.OK() || !baseline.OK() {
		return ratio{math.NaN(), math.NaN(), math.NaN()}
	}
	return ratio{baseline.Median / subject.Median, baseline.Min / subject.Max, baseline.Max / subject.Min}
}

func (r ratio) String() string {
	if math.IsNaN(r.Median) {
		return "–"
	}
	return fmt.Sprintf("%s× (%s–%s)", num(r.Median), num(r.Low), num(r.High))
}

// WriteReport writes the markdown report.
func WriteReport(w io.Writer, run *Run, floors *bench.Floors, meta Meta, chart string) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	runs := 0
	for _, r := range run.Results {
		runs = max(runs, r.Stat("ns/op").N)
	}
	p("# oktsec benchmarks\n\n")
	p("Written by `make bench` (`bench/cmd/report`) on %s from `%s`: %d runs of every benchmark.\n", meta.Date, meta.Input, runs)
	p("Each figure is the **median** of the runs, **±** the largest distance of a run from it; ranges in\n")
	p("parentheses are min–max. Engine backend: %s. Machine: %s, %s/%s, GOMAXPROCS %s, %s, commit `%s`%s.\n\n",
		orDash(run.Config["backend"]), orDash(run.Config["cpu"]), orDash(run.Config["goos"]), orDash(run.Config["goarch"]), procs(run),
		meta.GoVersion, meta.Commit, meta.Load)
	p("The machine may be shared with other work: compare ratios measured in one report (the CI gate does\n")
	p("only that), not absolute figures across reports. How the suites are built: [bench/README.md](../README.md).\n\n")
	if chart != "" {
		p("![throughput per backend and corpus, speed-up over naive, streaming, latency per message size](%s)\n\n", chart)
	}
	writeSummary(p, run)
	writeGate(p, run, floors)
	writeThroughput(p, run)
	writeStream(p, run)
	writeLatency(p, run)
	writeCompile(p, run)
	writeCLI(p, run)
	writeOthers(p, run)
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

func procs(run *Run) string {
	if v := run.Config["gomaxprocs"]; v != "" {
		return v
	}
	return "1"
}

type printer func(format string, args ...any)

func writeSummary(p printer, run *Run) {
	p("## Summary\n\n")
	p("| figure | engine | naive baseline | speed-up | design target (pure Go, per core) |\n|---|---|---|---|---|\n")
	targets := map[string]string{"prose": "≥ 100 MB/s", "json": "≥ 400 MB/s", "mcp": ""}
	for _, c := range []string{"prose", "json", "mcp"} {
		e := run.Get("Throughput/corpus=" + c + "/size=64KiB/backend=engine")
		n := run.Get("Throughput/corpus=" + c + "/size=64KiB/backend=naive")
		if e == nil || n == nil {
			continue
		}
		p("| %s, 64 KiB, MB/s | %s | %s | %s | %s |\n", c, pm(mbps(e)), pm(mbps(n)), ratioOf(e.Stat("ns/op"), n.Stat("ns/op")), orDash(targets[c]))
	}
	for _, c := range []string{"prose", "json", "mcp"} {
		if e := run.Get("Throughput/corpus=" + c + "/size=1MiB/backend=engine"); e != nil {
			p("| %s, 1 MiB, MB/s | %s | – | – | %s |\n", c, pm(mbps(e)), orDash(targets[c]))
		}
	}
	if e, n := run.Get("Throughput/corpus=json/size=1KiB/backend=engine"), run.Get("Throughput/corpus=json/size=1KiB/backend=naive"); e != nil && n != nil {
		p("| 1 KiB tools/call result, µs | %s | %s | %s | ≤ 20 µs |\n", pm(e.Stat("ns/op").Scale(1e-3)), pm(n.Stat("ns/op").Scale(1e-3)), ratioOf(e.Stat("ns/op"), n.Stat("ns/op")))
	}
	if l := run.Get("Latency/size=1KiB"); l != nil {
		p("| 1 KiB MCP messages of every kind, µs p50 / p99 | %s / %s | – | – | ≤ 20 µs |\n", pm(l.Stat("p50-ns").Scale(1e-3)), pm(l.Stat("p99-ns").Scale(1e-3)))
	}
	if c := run.Get("Compile/from=source"); c != nil {
		p("| rule set compile (rules.Load), ms | %s | – | – | |\n", pm(c.Stat("ns/op").Scale(1e-6)))
	}
	if c := run.Get("Compile/from=bundle"); c != nil {
		p("| bundle load (rules.Load of a bundle), ms | %s | – | – | |\n", pm(c.Stat("ns/op").Scale(1e-6)))
	}
	if c := run.Get("ScanCLI/input=dir"); c != nil {
		p("| `oktsec scan` of %s MCP messages (%s), s | %s | – | – | |\n", num(c.Stat("files").Median),
			size(bytesOf(c)), pm(c.Stat("ns/op").Scale(1e-9)))
	}
	p("\n")
}

func mbps(r *Result) Stat { return r.MBps() }

// bytesOf is the bytes one op scans.
func bytesOf(r *Result) float64 {
	if s := r.Stat("input-B"); s.OK() {
		return s.Median
	}
	return r.Stat("MB/s").Median * r.Stat("ns/op").Median / 1e3
}

// size formats a byte count for people: 18.2 MB, 1.0 kB.
func size(n float64) string {
	switch {
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", n/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1f kB", n/1e3)
	}
	return fmt.Sprintf("%.0f B", n)
}

func writeGate(p printer, run *Run, floors *bench.Floors) {
	p("## Ratios checked by the CI gate\n\n")
	p("`make bench-gate` measures these ratios (baseline ÷ subject) in a short run of its own and fails when\n")
	p("one falls below its floor in [bench/floors.json](../floors.json); here they are from this full run.\n\n")
	p("| case | subject | baseline | ratio (range) | floor | |\n|---|---|---|---|---|---|\n")
	for _, c := range bench.GateCases {
		s, b := run.Get(c.Subject), run.Get(c.Baseline)
		if s == nil || b == nil {
			p("| %s | `%s` | `%s` | not in this run | | |\n", c.Name, c.Subject, c.Baseline)
			continue
		}
		r := ratioOf(s.Stat("ns/op"), b.Stat("ns/op"))
		floor, status := "none", "no floor"
		if floors != nil {
			if f, ok := floors.Floor(c.Name); ok {
				floor = num(f) + "×"
				status = "above floor"
				if r.Median < f {
					status = "**below floor**"
				}
			}
		}
		p("| %s | `%s` | `%s` | %s | %s | %s |\n", c.Name, c.Subject, c.Baseline, r, floor, status)
	}
	p("\n")
}

func writeThroughput(p printer, run *Run) {
	rs := run.Suite("Throughput")
	if len(rs) == 0 {
		return
	}
	p("## Whole-input throughput (`BenchmarkThroughput`)\n\n")
	p("`engine` is `engine.Scanner.Scan`; `naive` runs every rule's regexp over the input in turn (measured up\n")
	p("to 64 KiB: it is that slow). Corpora: `prose` English text, `json` JSON Lines tool traffic (at 1 KiB one\n")
	p("tools/call result), `mcp` realistic MCP traffic with ~1%% attacks (at 1 KiB one message).\n\n")
	p("When the engine runs on Vectorscan, `go` is the pure-Go backend in the same run.\n\n")
	p("| corpus | size | engine MB/s | engine µs/op | B/op | allocs/op | go MB/s | naive MB/s | speed-up |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, e := range rs {
		if e.Param("backend") != "engine" {
			continue
		}
		n := run.Get(strings.Replace(e.Name, "backend=engine", "backend=naive", 1))
		nm, sp := "–", "–"
		if n != nil {
			nm, sp = pm(mbps(n)), ratioOf(e.Stat("ns/op"), n.Stat("ns/op")).String()
		}
		gm := "–"
		if g := run.Get(strings.Replace(e.Name, "backend=engine", "backend=go", 1)); g != nil {
			gm = pm(mbps(g))
		}
		p("| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", e.Param("corpus"), e.Param("size"), pm(mbps(e)),
			pm(e.Stat("ns/op").Scale(1e-3)), pm(e.Stat("B/op")), pm(e.Stat("allocs/op")), gm, nm, sp)
	}
	p("\n")
}

func writeStream(p printer, run *Run) {
	rs := run.Suite("Stream")
	if len(rs) == 0 {
		return
	}
	p("## Streaming (`BenchmarkStream`)\n\n")
	p("The same inputs written to `engine.Stream` in pieces of the given size, then closed. Text is\n")
	p("held whole up to the unit buffer (`held`) or scanned in a window (`window`); JSON is framed into\n")
	p("messages (`message`).\n\n")
	p("| corpus | size | write | text | MB/s | vs whole input | B/op | allocs/op |\n|---|---|---|---|---|---|---|---|\n")
	for _, s := range rs {
		whole := run.Get(fmt.Sprintf("Throughput/corpus=%s/size=%s/backend=engine", s.Param("corpus"), s.Param("size")))
		vs := "–"
		if whole != nil {
			vs = fmt.Sprintf("%.2f×", whole.Stat("ns/op").Median/s.Stat("ns/op").Median)
		}
		mode := s.Param("text")
		switch {
		case mode != "":
		case s.Param("corpus") == "prose":
			mode = "held"
		default:
			mode = "message"
		}
		p("| %s | %s | %s | %s | %s | %s | %s | %s |\n", s.Param("corpus"), s.Param("size"), s.Param("write"), mode, pm(mbps(s)), vs,
			pm(s.Stat("B/op")), pm(s.Stat("allocs/op")))
	}
	p("\n")
}

func writeLatency(p printer, run *Run) {
	rs := run.Suite("Latency")
	if len(rs) == 0 {
		return
	}
	p("## Latency per message size (`BenchmarkLatency`)\n\n")
	p("Single MCP messages of every kind (calls, code, logs, HTML, markdown, JSON, base64, tool lists),\n")
	p("scanned one at a time; percentiles of the per-message time within a run, then the median over runs.\n\n")
	p("| size | mean µs | p50 µs | p90 µs | p99 µs | MB/s | B/op | allocs/op |\n|---|---|---|---|---|---|---|---|\n")
	for _, l := range rs {
		p("| %s | %s | %s | %s | %s | %s | %s | %s |\n", l.Param("size"), pm(l.Stat("ns/op").Scale(1e-3)), pm(l.Stat("p50-ns").Scale(1e-3)),
			pm(l.Stat("p90-ns").Scale(1e-3)), pm(l.Stat("p99-ns").Scale(1e-3)), pm(mbps(l)), pm(l.Stat("B/op")), pm(l.Stat("allocs/op")))
	}
	p("\n")
}

func writeCompile(p printer, run *Run) {
	rs := run.Suite("Compile")
	if len(rs) == 0 {
		return
	}
	p("## Rule set compile and bundle load (`BenchmarkCompile`)\n\n")
	p("| from | ms | MB allocated | allocs |\n|---|---|---|---|\n")
	for _, c := range rs {
		p("| %s | %s | %s | %s |\n", c.Param("from"), pm(c.Stat("ns/op").Scale(1e-6)), pm(c.Stat("B/op").Scale(1e-6)), pm(c.Stat("allocs/op")))
	}
	p("\n")
}

func writeCLI(p printer, run *Run) {
	rs := run.Suite("ScanCLI")
	if len(rs) == 0 {
		return
	}
	p("## `oktsec scan` end to end (`BenchmarkScanCLI`)\n\n")
	p("The built binary run as `oktsec scan --format jsonl PATH`: process start, rule compile, walk, scan,\n")
	p("output. `dir` is a tree of generated MCP messages (sizes 200 B–1 MiB, ~1%% with a planted attack).\n\n")
	p("| input | s per run | scanned | MB/s | files | files with findings | planted attacks |\n|---|---|---|---|---|---|---|\n")
	for _, c := range rs {
		rate := "–" // a single small file measures start-up, not throughput
		if bytesOf(c) >= 1e6 {
			rate = pm(mbps(c))
		}
		p("| %s | %s | %s | %s | %s | %s | %s |\n", c.Param("input"), pm(c.Stat("ns/op").Scale(1e-9)), size(bytesOf(c)),
			rate, pm(c.Stat("files")), pm(c.Stat("flagged-files")), pm(c.Stat("planted-attacks")))
	}
	p("\n")
}

var known = map[string]bool{"Throughput": true, "Stream": true, "Latency": true, "Compile": true, "ScanCLI": true}

// writeOthers lists suites without a table of their own (new suites land here until the report
// learns about them), with every unit they report.
func writeOthers(p printer, run *Run) {
	var rs []*Result
	for _, r := range run.Results {
		if !known[r.Suite] {
			rs = append(rs, r)
		}
	}
	if len(rs) == 0 {
		return
	}
	p("## Other suites\n\n| benchmark | figures |\n|---|---|\n")
	for _, r := range rs {
		var units []string
		for u := range r.Values {
			units = append(units, u)
		}
		sort.Slice(units, func(i, j int) bool {
			return unitRank(units[i]) < unitRank(units[j]) || unitRank(units[i]) == unitRank(units[j]) && units[i] < units[j]
		})
		var fs []string
		for _, u := range units {
			fs = append(fs, pm(r.Stat(u))+" "+u)
		}
		p("| `%s` | %s |\n", r.Name, strings.Join(fs, ", "))
	}
	p("\n")
}

func unitRank(u string) int {
	switch u {
	case "ns/op":
		return 0
	case "MB/s":
		return 1
	case "B/op":
		return 3
	case "allocs/op":
		return 4
	}
	return 2
}
