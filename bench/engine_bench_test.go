package bench

import (
	"fmt"
	"testing"
)

// Corpus sizes for BenchmarkProse and BenchmarkJSON.
const (
	proseSize = 256 << 10
	jsonSize  = 256 << 10
)

// Sizes of the whole-input throughput suite. The naive baseline runs at about 0.01–0.1 MB/s,
// so it is measured only up to naiveMaxSize to keep `make bench` within minutes.
var (
	throughputSizes = []int{1 << 10, 64 << 10, 1 << 20}
	naiveMaxSize    = 64 << 10
)

// BenchmarkThroughput scans whole inputs of each corpus and size with the engine and, up to
// naiveMaxSize, with the naive baseline. When the engine uses Vectorscan, the pure-Go backend
// runs too (backend=go), in the same run.
func BenchmarkThroughput(b *testing.B) {
	s := engineUnderTest(b)
	for _, corpus := range corpusNames {
		for _, size := range throughputSizes {
			in := input(corpus, size)
			scanAll(s, in) // the engine compiles some regexps lazily, on first need
			name := fmt.Sprintf("corpus=%s/size=%s", corpus, SizeName(size))
			b.Run(name+"/backend=engine", func(b *testing.B) {
				b.ReportAllocs()
				measure(b, len(in), func() { scanAll(s, in) })
			})
			if goScanner != nil && !slowed() {
				scanAll(goScanner, in)
				b.Run(name+"/backend=go", func(b *testing.B) {
					b.ReportAllocs()
					measure(b, len(in), func() { scanAll(goScanner, in) })
				})
			}
			if size > naiveMaxSize {
				continue
			}
			b.Run(name+"/backend=naive", func(b *testing.B) {
				measure(b, len(in), func() { naiveScan(in) })
			})
		}
	}
}

func benchCorpus(b *testing.B, name string) {
	s := engineUnderTest(b)
	in := corpora[name]
	b.Run("engine", func(b *testing.B) {
		b.ReportAllocs()
		measure(b, len(in), func() { scanAll(s, in) })
	})
	if goScanner != nil {
		b.Run("go", func(b *testing.B) {
			b.ReportAllocs()
			measure(b, len(in), func() { scanAll(goScanner, in) })
		})
	}
	b.Run("naive", func(b *testing.B) {
		measure(b, len(in), func() { naiveScan(in) })
	})
}

// BenchmarkProse, BenchmarkJSON and BenchmarkMessage1KiB are the quick engine-vs-naive check
// for engine work (`go test -bench 'Prose|JSON|Message1KiB' ./bench/`); `make bench` skips
// them, BenchmarkThroughput covers the same ground.

// BenchmarkProse scans 256 KiB of English prose.
func BenchmarkProse(b *testing.B) { benchCorpus(b, "prose") }

// BenchmarkJSON scans 256 KiB of JSON Lines MCP traffic.
func BenchmarkJSON(b *testing.B) { benchCorpus(b, "json") }

// BenchmarkMessage1KiB scans one 1 KiB tools/call result (µs per message = ns/op / 1000).
func BenchmarkMessage1KiB(b *testing.B) { benchCorpus(b, "1KiB") }
