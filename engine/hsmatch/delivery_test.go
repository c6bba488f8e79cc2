//go:build hyperscan

package hsmatch_test

import (
	"testing"

	"github.com/flier/gohs/hyperscan"
	"github.com/oktsec/oktsec/bench"
	"github.com/oktsec/oktsec/engine/hsmatch"
)

// denseExprs match almost everywhere in prose, so that match delivery dominates a scan.
var denseExprs = []string{`[a-z]{1,12}`, `(?i)[aeiou]`, `\s{1,3}\S`, `(?i)the|and|of`, `[a-z]+ [a-z]+`}

// BenchmarkMatchDelivery compares the package's batched delivery (a C callback fills a buffer
// the Go side reads once per call) with one Go callback per match (gohs' Scan), on the same
// block-mode database: the built-in expressions, which match rarely, and denseExprs.
func BenchmarkMatchDelivery(b *testing.B) {
	text := bench.NewGenerator(1).Prose(64 << 10)
	var dense []hsmatch.Pattern
	for i, e := range denseExprs {
		dense = append(dense, hsmatch.Pattern{ID: i, Expr: e})
	}
	denseDB, err := hsmatch.Compile(dense)
	if err != nil {
		b.Fatal(err)
	}
	defer denseDB.Close()
	for _, c := range []struct {
		name string
		db   *hsmatch.Database
	}{{"rules", rulesDB(b)}, {"dense", denseDB}} {
		img, err := c.db.Marshal()
		if err != nil {
			b.Fatal(err)
		}
		block, err := hsmatch.BlockImage(img)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name+"/batch", func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			var hits []hsmatch.Hit
			for b.Loop() {
				if hits, err = c.db.Scan(text, hits[:0]); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(hits)), "hits/op")
		})
		b.Run(c.name+"/callback", func(b *testing.B) {
			gdb, err := hyperscan.UnmarshalBlockDatabase(block)
			if err != nil {
				b.Fatal(err)
			}
			defer gdb.Close()
			scratch, err := hyperscan.NewScratch(gdb)
			if err != nil {
				b.Fatal(err)
			}
			defer scratch.Free()
			b.SetBytes(int64(len(text)))
			var hits []hsmatch.Hit
			handler := func(id uint, _, to uint64, _ uint, _ interface{}) error {
				hits = append(hits, hsmatch.Hit{ID: int(id), End: int(to)})
				return nil
			}
			for b.Loop() {
				hits = hits[:0]
				if err := gdb.Scan(text, scratch, handler, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(hits)), "hits/op")
		})
	}
}
