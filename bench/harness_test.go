package bench

// The harness shared by every suite: the rule set, the engine under test, the naive baseline,
// and the corpora. A suite is a Benchmark function in its own *_bench_test.go file, named
// Benchmark<Suite>/<key>=<value>/... so `make bench` (bench/cmd/report) can group and chart it;
// suites it has no special table for still appear in the report. The gateway hop and audit
// appends come in as new files here (gateway_bench_test.go, audit_bench_test.go).

import (
	"context"
	"flag"
	"fmt"
	"os"
	"regexp"
	"sync"
	"testing"

	"github.com/oktsec/oktsec/engine"
	"github.com/oktsec/oktsec/frame"
	"github.com/oktsec/oktsec/pattern"
	"github.com/oktsec/oktsec/rules"
)

// SlowEnv names the environment variable that swaps the engine under test for the reference
// scanner (the same engine with its prefilter off: every pattern's regexp over the whole
// input). It exists to show the CI gate catches a slowed engine; never set it otherwise.
const SlowEnv = "OKTSEC_BENCH_SLOW"

var (
	setupOnce sync.Once
	ruleSet   *rules.Set
	naiveRes  []*regexp.Regexp
	corpora   map[string][]byte
	scanner   *engine.Scanner
	reference *engine.Scanner
	// goScanner is the pure-Go backend, set when scanner uses another (Vectorscan).
	goScanner *engine.Scanner

	tmpRoot string // removed by TestMain
)

func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.bench"); f != nil && f.Value.String() != "" {
		// A header line like go test's own "cpu: ...", for the report.
		fmt.Printf("backend: %s\n", engine.BestBackend())
	}
	code := m.Run()
	if tmpRoot != "" {
		os.RemoveAll(tmpRoot)
	}
	os.Exit(code)
}

// tempDir returns a directory that lives until the test binary exits (benchmarks share built
// binaries and written corpora across sub-benchmarks and -count runs).
func tempDir(tb testing.TB, name string) string {
	if tmpRoot == "" {
		var err error
		if tmpRoot, err = os.MkdirTemp("", "oktsec-bench-"); err != nil {
			tb.Fatal(err)
		}
	}
	dir := tmpRoot + "/" + name
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// loadBuiltin loads the built-in set with the best backend, its Vectorscan database and compiled
// sources cached in $OKTSEC_CACHE_DIR as oktsec would.
func loadBuiltin() (*rules.Set, error) {
	dir := os.Getenv("OKTSEC_CACHE_DIR")
	if dir == "off" {
		dir = ""
	}
	return rules.Load(context.Background(), rules.Spec{}, rules.Options{CacheDir: dir, Backend: engine.BestBackend()})
}

func setup(tb testing.TB) {
	setupOnce.Do(func() {
		var err error
		ruleSet, err = loadBuiltin()
		if err != nil {
			panic(err)
		}
		for _, r := range ruleSet.Rules.Rules {
			for _, s := range r.Strings {
				a, err := pattern.Analyze(s.Expr, s.Window, s.Fast)
				if err != nil {
					panic(err)
				}
				naiveRes = append(naiveRes, regexp.MustCompile(a.Expr))
			}
		}
		scanner = engine.NewScanner(ruleSet.DB())
		reference = engine.NewReferenceScanner(ruleSet.DB())
		if ruleSet.DB().Backend() != engine.BackendGo {
			goDB, err := engine.CompileWith(ruleSet.Rules, engine.Options{Backend: engine.BackendGo})
			if err != nil {
				panic(err)
			}
			goScanner = engine.NewScanner(goDB)
		}
		g := NewGenerator(42)
		corpora = map[string][]byte{
			"prose": g.Prose(proseSize),
			"json":  g.JSONTraffic(jsonSize),
			"1KiB":  g.Message(1024),
		}
	})
	if ruleSet == nil {
		tb.Fatal("setup failed")
	}
}

// measure runs fn in b.Loop and records the bytes each call scans: b.SetBytes for MB/s, and
// the exact count as the "input-B" metric, because go test prints MB/s with two decimals and
// the naive baseline runs at a few hundredths of a MB/s.
func measure(b *testing.B, n int, fn func()) {
	b.SetBytes(int64(n))
	for b.Loop() {
		fn()
	}
	reportInput(b, n)
}

// reportInput records the "input-B" metric; call it after the loop (b.Loop's first call
// clears metrics reported before it).
func reportInput(b *testing.B, n int) { b.ReportMetric(float64(n), "input-B") }

// naiveScan is the baseline: every rule's regexp run over the whole input in turn, the way
// regexp-per-rule engines work.
func naiveScan(input []byte) int {
	n := 0
	for _, re := range naiveRes {
		n += len(re.FindAllIndex(input, -1))
	}
	return n
}

// slowed reports whether SlowEnv asks for the slowed engine.
func slowed() bool {
	v := os.Getenv(SlowEnv)
	return v != "" && v != "0"
}

// engineUnderTest is the scanner every suite measures as "engine".
func engineUnderTest(tb testing.TB) *engine.Scanner {
	setup(tb)
	if slowed() {
		return reference
	}
	return scanner
}

// scanAll scans a whole input framed as oktsec scan frames a file (frame.Auto).
func scanAll(s *engine.Scanner, input []byte) *engine.Result {
	res, err := frame.Scan(context.Background(), s, frame.Spec{}, input)
	if err != nil {
		panic(err)
	}
	return res
}

// streamScan feeds input to a stream in writes of the given size.
func streamScan(s *engine.Scanner, input []byte, write int) {
	st := frame.NewStream(context.Background(), s, frame.Spec{})
	for p := input; len(p) > 0; {
		n := min(write, len(p))
		if _, err := st.Write(p[:n]); err != nil {
			panic(err)
		}
		p = p[n:]
	}
	if _, err := st.Close(); err != nil {
		panic(err)
	}
}

// Corpus names for the throughput and stream suites.
var corpusNames = []string{"prose", "json", "mcp"}

var (
	inputsMu sync.Mutex
	inputs   = map[string][]byte{}
)

// input returns a corpus of about size bytes, generated once per process, each (corpus, size)
// from its own seed so that inputs do not depend on which benchmarks ran first:
//
//   - prose: English-like paragraphs;
//   - json: JSON Lines tool calls and results (JSONTraffic); at 1 KiB, the single 1 KiB
//     tools/call result of Message (the "1 KiB message" of the design targets);
//   - mcp: realistic MCP traffic (MCPTraffic) with about 1% attacks; up to 4 KiB, a single
//     MCP message of that size.
func input(corpus string, size int) []byte {
	inputsMu.Lock()
	defer inputsMu.Unlock()
	key := fmt.Sprintf("%s/%d", corpus, size)
	if b, ok := inputs[key]; ok {
		return b
	}
	g := NewGenerator(uint64(42 + size))
	var b []byte
	switch corpus {
	case "prose":
		b = g.Prose(size)
	case "json":
		if size <= 1<<10 {
			b = g.Message(size)
		} else {
			b = g.JSONTraffic(size)
		}
	case "mcp":
		if size <= 4<<10 {
			b = g.MCPMessage(size)
		} else {
			b = g.MCPTraffic(size)
		}
	default:
		panic("unknown corpus " + corpus)
	}
	inputs[key] = b
	return b
}
