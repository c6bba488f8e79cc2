package bench

import (
	"regexp"
	"sync"
	"testing"

	"github.com/oktsec/oktsec/engine"
	"github.com/oktsec/oktsec/engine/pattern"
	"github.com/oktsec/oktsec/rules"
)

// Corpus sizes for the engine benchmarks.
const (
	proseSize = 256 << 10
	jsonSize  = 256 << 10
)

var (
	setupOnce sync.Once
	ruleSet   *rules.Set
	naiveRes  []*regexp.Regexp
	corpora   map[string][]byte
)

func setup(b *testing.B) {
	setupOnce.Do(func() {
		var err error
		ruleSet, err = rules.Load("")
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
		g := NewGenerator(42)
		corpora = map[string][]byte{
			"prose": g.Prose(proseSize),
			"json":  g.JSONTraffic(jsonSize),
			"1KiB":  g.Message(1024),
		}
	})
	if ruleSet == nil {
		b.Fatal("setup failed")
	}
}

// naiveScan is the baseline: every rule's regexp run over the whole input in turn, the way
// regexp-per-rule engines work.
func naiveScan(input []byte) int {
	n := 0
	for _, re := range naiveRes {
		n += len(re.FindAllIndex(input, -1))
	}
	return n
}

func benchCorpus(b *testing.B, name string) {
	setup(b)
	input := corpora[name]
	scanner := engine.NewScanner(ruleSet.DB)
	b.Run("engine", func(b *testing.B) {
		b.SetBytes(int64(len(input)))
		b.ReportAllocs()
		for b.Loop() {
			scanner.Scan(input)
		}
	})
	b.Run("naive", func(b *testing.B) {
		b.SetBytes(int64(len(input)))
		for b.Loop() {
			naiveScan(input)
		}
	})
}

// BenchmarkProse scans 256 KiB of English prose.
func BenchmarkProse(b *testing.B) { benchCorpus(b, "prose") }

// BenchmarkJSON scans 256 KiB of JSON Lines MCP traffic.
func BenchmarkJSON(b *testing.B) { benchCorpus(b, "json") }

// BenchmarkMessage1KiB scans one 1 KiB tools/call result (µs per message = ns/op / 1000).
func BenchmarkMessage1KiB(b *testing.B) { benchCorpus(b, "1KiB") }
