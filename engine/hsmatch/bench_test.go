package hsmatch_test

import (
	"regexp"
	"testing"

	"github.com/oktsec/oktsec/bench"
	"github.com/oktsec/oktsec/engine/hsmatch"
)

// corpora are the texts of the scan benchmarks: about 64 KiB each of English prose and of a
// JSON API response, from the project's deterministic corpus generator.
func corpora() []struct {
	name string
	text []byte
} {
	return []struct {
		name string
		text []byte
	}{
		{"prose", bench.NewGenerator(1).Prose(64 << 10)},
		{"json", bench.NewGenerator(2).JSONPayload(64 << 10)},
	}
}

// BenchmarkTranslateRules translates every built-in expression.
func BenchmarkTranslateRules(b *testing.B) {
	pats := loadBuiltin(b).pats
	for b.Loop() {
		for _, p := range pats {
			if _, err := hsmatch.Translate(p.Expr); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkScanRules is block-mode throughput of the built-in expressions. hits/KiB is the
// candidate rate the caller has to confirm, false/KiB the part of it that no Go match ends at.
func BenchmarkScanRules(b *testing.B) {
	db := benchDB(b)
	pats := loadBuiltin(b).pats
	for _, c := range corpora() {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.text)))
			var hits []hsmatch.Hit
			var err error
			for b.Loop() {
				if hits, err = db.Scan(c.text, hits[:0]); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			kib := float64(len(c.text)) / 1024
			ends := goEnds(pats, c.text)
			spurious := 0
			for _, h := range hits {
				if !ends[h] {
					spurious++
				}
			}
			b.ReportMetric(float64(len(hits))/kib, "hits/KiB")
			b.ReportMetric(float64(spurious)/kib, "false/KiB")
		})
	}
}

// goEnds returns the (pattern, end offset) pairs of Go's matches.
func goEnds(pats []hsmatch.Pattern, text []byte) map[hsmatch.Hit]bool {
	ends := map[hsmatch.Hit]bool{}
	for _, p := range pats {
		for _, m := range regexp.MustCompile(p.Expr).FindAllIndex(text, -1) {
			ends[hsmatch.Hit{ID: p.ID, End: m[1]}] = true
		}
	}
	return ends
}

// BenchmarkUnmarshalRules loads the serialized built-in database (and frees it).
func BenchmarkUnmarshalRules(b *testing.B) {
	img, err := benchDB(b).Marshal()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		db, err := hsmatch.Unmarshal(img)
		if err != nil {
			b.Fatal(err)
		}
		_ = db.Close()
	}
	b.ReportMetric(float64(len(img))/(1<<20), "MiB")
}

// BenchmarkCompileRules compiles the built-in expressions (about a minute an iteration).
func BenchmarkCompileRules(b *testing.B) {
	if !hsmatch.Available {
		b.Skip("built without Hyperscan")
	}
	pats := loadBuiltin(b).pats
	for b.Loop() {
		db, err := hsmatch.Compile(pats)
		if err != nil {
			b.Fatal(err)
		}
		st := db.Stats()
		b.ReportMetric(float64(st.Prefiltered), "prefiltered")
		b.ReportMetric(float64(st.Fallbacks), "fallbacks")
		_ = db.Close()
	}
}

func benchDB(b *testing.B) *hsmatch.Database {
	if !hsmatch.Available {
		b.Skip("built without Hyperscan")
	}
	return rulesDB(b)
}
