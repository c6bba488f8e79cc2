package bench

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// GateEnv enables TestBenchGate, which `make bench-gate` runs.
const GateEnv = "OKTSEC_BENCH_GATE"

// floorsFile is the reviewed floors file, relative to this package.
const floorsFile = "floors.json"

// gateRounds and gateMinTime shape a gate measurement: each round times the subject and the
// baseline back to back (alternating which goes first), each for at least gateMinTime of CPU
// time or one call; the case's ratio is the median over the rounds.
const (
	gateRounds  = 5
	gateMinTime = 200 * time.Millisecond
)

// gateRunner returns the two functions a gate case times and the bytes each call scans.
func gateRunner(tb testing.TB, c GateCase) (subject, baseline func(), bytes int) {
	s := engineUnderTest(tb)
	parse := func(name string) (suite string, kv map[string]string) {
		parts := strings.Split(name, "/")
		kv = map[string]string{}
		for _, p := range parts[1:] {
			k, v, _ := strings.Cut(p, "=")
			kv[k] = v
		}
		return parts[0], kv
	}
	fn := func(name string) (func(), int) {
		suite, kv := parse(name)
		in := input(kv["corpus"], parseSize(tb, kv["size"]))
		switch {
		case suite == "Throughput" && kv["backend"] == "engine":
			return func() { scanAll(s, in) }, len(in)
		case suite == "Throughput" && kv["backend"] == "naive":
			return func() { naiveScan(in) }, len(in)
		case suite == "Stream":
			w := parseSize(tb, kv["write"])
			return func() { streamScan(s, in, w) }, len(in)
		}
		tb.Fatalf("gate case %s: no runner for benchmark %s", c.Name, name)
		return nil, 0
	}
	subject, n1 := fn(c.Subject)
	baseline, n2 := fn(c.Baseline)
	if n1 != n2 {
		tb.Fatalf("gate case %s: subject scans %d bytes, baseline %d", c.Name, n1, n2)
	}
	return subject, baseline, n1
}

func parseSize(tb testing.TB, s string) int {
	for _, u := range []struct {
		suffix string
		mult   int
	}{{"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}} {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			var n int
			if _, err := fmt.Sscanf(num, "%d", &n); err == nil {
				return n * u.mult
			}
		}
	}
	tb.Fatalf("bad size %q", s)
	return 0
}

// cpuPerOp runs fn until it has used at least minTime of CPU time (at least once) and returns
// the CPU time per call.
func cpuPerOp(fn func(), minTime time.Duration) time.Duration {
	runtime.GC()
	n := 1
	for {
		start := cpuNow()
		for i := 0; i < n; i++ {
			fn()
		}
		d := cpuNow() - start
		if d >= minTime {
			return d / time.Duration(n)
		}
		// Aim 20% past minTime, growing at most 100× per step.
		next := n * 100
		if d > 0 {
			next = int(float64(n) * 1.2 * float64(minTime) / float64(d))
		}
		n = max(n+1, min(next, n*100))
	}
}

// gateMeasurement is one case's result.
type gateMeasurement struct {
	Case                GateCase
	Ratios              []float64 // baseline ÷ subject, per round
	Subject, Baseline   []time.Duration
	Bytes               int
	Ratio               float64 // median of Ratios
	SubjectMBs, BaseMBs float64 // from the median times
}

// measureGate times each case's subject and baseline, rounds times.
func measureGate(tb testing.TB, cases []GateCase, rounds int, minTime time.Duration) []gateMeasurement {
	var out []gateMeasurement
	for _, c := range cases {
		subject, baseline, n := gateRunner(tb, c)
		subject() // warm up: lazily compiled regexps, pools
		m := gateMeasurement{Case: c, Bytes: n}
		for r := 0; r < rounds; r++ {
			var s, b time.Duration
			if r%2 == 0 {
				s, b = cpuPerOp(subject, minTime), cpuPerOp(baseline, minTime)
			} else {
				b, s = cpuPerOp(baseline, minTime), cpuPerOp(subject, minTime)
			}
			m.Subject = append(m.Subject, s)
			m.Baseline = append(m.Baseline, b)
			m.Ratios = append(m.Ratios, float64(b)/float64(max(s, 1)))
		}
		m.Ratio = Median(m.Ratios)
		mbs := func(ds []time.Duration) float64 {
			fs := make([]float64, len(ds))
			for i, d := range ds {
				fs[i] = float64(d)
			}
			return float64(n) / Median(fs) * 1e3
		}
		m.SubjectMBs, m.BaseMBs = mbs(m.Subject), mbs(m.Baseline)
		out = append(out, m)
	}
	return out
}

func ratios(ms []gateMeasurement) map[string]float64 {
	out := map[string]float64{}
	for _, m := range ms {
		out[m.Case.Name] = m.Ratio
	}
	return out
}

func describeGate(ms []gateMeasurement, floors *Floors) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-32s %10s %10s %12s %12s  %s\n", "case", "ratio", "floor", "subject MB/s", "baseline MB/s", "rounds")
	for _, m := range ms {
		floor, _ := floors.Floor(m.Case.Name)
		var rs []string
		for _, r := range m.Ratios {
			rs = append(rs, fmt.Sprintf("%.1f", r))
		}
		verdict := "ok"
		if !(m.Ratio >= floor) {
			verdict = "BELOW FLOOR"
		}
		fmt.Fprintf(&b, "%-32s %9.1f× %9.1f× %12.3f %12.4f   %s  %s\n", m.Case.Name, m.Ratio, floor, m.SubjectMBs, m.BaseMBs,
			strings.Join(rs, " "), verdict)
	}
	return b.String()
}

// TestBenchGate is the CI gate (`make bench-gate`): it measures every gate case and fails when
// a ratio falls below its floor in floors.json. Skipped unless OKTSEC_BENCH_GATE=1.
func TestBenchGate(t *testing.T) {
	if os.Getenv(GateEnv) == "" {
		t.Skipf("set %s=1 (make bench-gate) to run the benchmark gate", GateEnv)
	}
	floors, err := ReadFloors(floorsFile)
	if err != nil {
		t.Fatal(err)
	}
	if slowed() {
		t.Logf("%s is set: measuring the slowed engine (reference scanner, prefilter off)", SlowEnv)
	}
	start := time.Now()
	ms := measureGate(t, GateCases, gateRounds, gateMinTime)
	t.Logf("ratio = baseline ÷ subject CPU time, median of %d rounds (%s)\n%s", gateRounds, time.Since(start).Round(time.Second), describeGate(ms, floors))
	for _, p := range CheckGate(ratios(ms), floors) {
		t.Error(p)
	}
}

// TestGateTripsOnSlowEngine shows the gate is real: with SlowEnv set, the engine under test is
// the reference scanner (the prefilter disabled), and the measured speed-up on the 1 KiB
// message falls below its checked-in floor. Only ratios are compared, never absolute times.
func TestGateTripsOnSlowEngine(t *testing.T) {
	floors, err := ReadFloors(floorsFile)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(SlowEnv, "1")
	var c GateCase
	for _, gc := range GateCases {
		if gc.Name == "message-1KiB" {
			c = gc
		}
	}
	ms := measureGate(t, []GateCase{c}, 3, 50*time.Millisecond)
	t.Logf("slowed engine:\n%s", describeGate(ms, floors))
	only := &Floors{Floors: []Floor{{Case: c.Name}}}
	only.Floors[0].MinRatio, _ = floors.Floor(c.Name)
	problems := CheckGate(ratios(ms), only)
	if len(problems) != 1 || !strings.Contains(problems[0], "below its floor") {
		t.Fatalf("the gate did not trip on the slowed engine: ratio %.2f×, floor %.2f×, problems %q", ms[0].Ratio, only.Floors[0].MinRatio, problems)
	}
}

// TestCheckGate checks the gate logic on fabricated ratios.
func TestCheckGate(t *testing.T) {
	floors := &Floors{Floors: []Floor{{Case: "prose-64KiB", MinRatio: 40}, {Case: "message-1KiB", MinRatio: 100}}}
	for _, tc := range []struct {
		name     string
		measured map[string]float64
		want     []string // substrings of the problems, in order
	}{
		{"all above", map[string]float64{"prose-64KiB": 120, "message-1KiB": 300}, nil},
		{"exactly at the floor passes", map[string]float64{"prose-64KiB": 40, "message-1KiB": 100}, nil},
		{"one below", map[string]float64{"prose-64KiB": 39.9, "message-1KiB": 300}, []string{"prose-64KiB: ratio 39.9× is below its floor 40×"}},
		{"slowed 50×", map[string]float64{"prose-64KiB": 120.0 / 50, "message-1KiB": 300.0 / 50}, []string{"message-1KiB: ratio 6× is below", "prose-64KiB: ratio 2.4× is below"}},
		{"NaN fails", map[string]float64{"prose-64KiB": nan(), "message-1KiB": 300}, []string{"prose-64KiB: ratio NaN× is below"}},
		{"missing measurement", map[string]float64{"prose-64KiB": 120}, []string{"message-1KiB: not measured"}},
		{"measured without floor", map[string]float64{"prose-64KiB": 120, "message-1KiB": 300, "json-64KiB": 50}, []string{"json-64KiB: measured but has no floor"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := CheckGate(tc.measured, floors)
			if len(got) != len(tc.want) {
				t.Fatalf("CheckGate = %q, want %d problems like %q", got, len(tc.want), tc.want)
			}
			for i := range got {
				if !strings.Contains(got[i], tc.want[i]) {
					t.Errorf("problem %d = %q, want it to contain %q", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func nan() float64 { var z float64; return z / z }

// TestFloorsFile checks the checked-in floors file: it parses, names only known cases, and
// gives every gate case a floor (so no case runs unreviewed).
func TestFloorsFile(t *testing.T) {
	floors, err := ReadFloors(floorsFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range GateCases {
		if _, ok := floors.Floor(c.Name); !ok {
			t.Errorf("gate case %s has no floor in %s", c.Name, floorsFile)
		}
		// Every case maps to benchmarks that exist in the suites.
		gateRunner(t, c)
	}
}

// TestReadFloorsRejects checks that a malformed floors file is refused rather than read as
// "no floors".
func TestReadFloorsRejects(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"unknown case":  `{"floors": [{"case": "nope", "min_ratio": 2}]}`,
		"duplicate":     `{"floors": [{"case": "prose-64KiB", "min_ratio": 2}, {"case": "prose-64KiB", "min_ratio": 3}]}`,
		"zero":          `{"floors": [{"case": "prose-64KiB", "min_ratio": 0}]}`,
		"unknown field": `{"floors": [{"case": "prose-64KiB", "min_speedup": 2}]}`,
		"not json":      `prose-64KiB 2`,
	} {
		path := dir + "/floors.json"
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadFloors(path); err == nil {
			t.Errorf("%s: ReadFloors accepted %s", name, body)
		}
	}
}
