package bench

import (
	"fmt"
	"testing"

	"github.com/oktsec/oktsec/engine"
)

// Stream suite: the same corpora fed to engine.Stream in writes of 256 B, 4 KiB and 64 KiB, the
// way a gateway sees a tool result arrive. A stream holds a text unit up to its unit buffer
// (1 MiB) and scans it whole; the text=window cases set the buffer to one byte, so prose is
// scanned in a window of the rule set's longest match, as a longer text would be. JSON is
// framed into messages, which are always held whole.
var (
	streamSizes  = []int{64 << 10, 1 << 20}
	streamWrites = []int{256, 4 << 10, 64 << 10}
)

// BenchmarkStream measures streaming throughput per corpus, total size and write size.
func BenchmarkStream(b *testing.B) {
	s := engineUnderTest(b)
	for _, corpus := range []string{"prose", "json"} {
		for _, size := range streamSizes {
			in := input(corpus, size)
			streamScan(s, in, 4<<10)
			for _, w := range streamWrites {
				if w > size {
					continue
				}
				b.Run(fmt.Sprintf("corpus=%s/size=%s/write=%s", corpus, SizeName(size), SizeName(w)), func(b *testing.B) {
					b.ReportAllocs()
					measure(b, len(in), func() { streamScan(s, in, w) })
				})
				if corpus != "prose" {
					continue
				}
				windowed := s.WithLimits(engine.Limits{UnitBuffer: 1})
				b.Run(fmt.Sprintf("corpus=%s/size=%s/write=%s/text=window", corpus, SizeName(size), SizeName(w)), func(b *testing.B) {
					b.ReportAllocs()
					measure(b, len(in), func() { streamScan(windowed, in, w) })
				})
			}
		}
	}
}
