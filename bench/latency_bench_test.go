package bench

import (
	"slices"
	"testing"
	"time"
)

// Latency suite: single MCP messages of one size, of every kind (calls, code, logs, HTML,
// markdown, JSON, base64, tool lists), scanned one at a time. Besides the mean (ns/op) it
// reports the 50th, 90th and 99th percentile of the per-message time.
var latencySizes = []int{256, 1 << 10, 4 << 10, 64 << 10, 1 << 20}

// latencyPool returns distinct messages of about size bytes (fewer for large sizes).
func latencyPool(size int) [][]byte {
	n := 64
	if size >= 64<<10 {
		n = 16
	}
	if size >= 1<<20 {
		n = 6
	}
	t := NewTraffic(uint64(7 + size))
	t.AttackRate = 0
	pool := make([][]byte, n)
	for i := range pool {
		pool[i] = t.Sized(size).Data
	}
	return pool
}

// BenchmarkLatency measures per-message scan time per message size.
func BenchmarkLatency(b *testing.B) {
	s := engineUnderTest(b)
	for _, size := range latencySizes {
		pool := latencyPool(size)
		total := 0
		for _, m := range pool {
			total += len(m)
			scanAll(s, m)
		}
		b.Run("size="+SizeName(size), func(b *testing.B) {
			b.SetBytes(int64(total / len(pool)))
			b.ReportAllocs()
			lat := make([]time.Duration, 0, 1024)
			i := 0
			for b.Loop() {
				start := time.Now()
				scanAll(s, pool[i%len(pool)])
				lat = append(lat, time.Since(start))
				i++
			}
			slices.Sort(lat)
			for _, p := range []struct {
				unit string
				q    float64
			}{{"p50-ns", 0.50}, {"p90-ns", 0.90}, {"p99-ns", 0.99}} {
				b.ReportMetric(float64(lat[int(p.q*float64(len(lat)-1))]), p.unit)
			}
			reportInput(b, total/len(pool))
		})
	}
}
