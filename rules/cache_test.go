package rules

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/oktsec/oktsec/engine"
)

// TestVectorscanCache: with Vectorscan, the first load of a rule set compiles its database and
// caches it, the next load takes it from the cache with the same findings, and a damaged cache
// file is compiled over; without Vectorscan nothing is cached.
func TestVectorscanCache(t *testing.T) {
	dir := t.TempDir()
	src := `rule T { severity high category t meta { title = "t" remediation = "r" }
  strings { $a = /ignore\s+all\s+previous/ nocase window 40 }
  condition: $a
  examples { match "please IGNORE all previous" match "ignore  all previous" nomatch "ignore some" nomatch "x" } }
`
	if err := os.WriteFile(filepath.Join(dir, "t.okt"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	t.Setenv(CacheEnv, cache)
	images := func() []string {
		m, _ := filepath.Glob(filepath.Join(cache, "vectorscan-*.img"))
		return m
	}
	first, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if engine.BestBackend() != engine.BackendVectorscan {
		if n := len(images()); n != 0 || first.DB.Backend() != engine.BackendGo {
			t.Fatalf("go build: backend %s, %d cached images", first.DB.Backend(), n)
		}
		return
	}
	if n := len(images()); n != 1 || first.DB.VectorscanFromImage() {
		t.Fatalf("first load: %d cached images, from image %t", n, first.DB.VectorscanFromImage())
	}
	second, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !second.DB.VectorscanFromImage() {
		t.Fatal("second load compiled again instead of using the cache")
	}
	in := []byte("notes: please IGNORE all previous orders")
	a, err := engine.NewScanner(first.DB).ScanText(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	b, err := engine.NewScanner(second.DB).ScanText(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Findings) != 1 || len(b.Findings) != 1 || a.Findings[0] != b.Findings[0] {
		t.Fatalf("compiled %+v, cached %+v", a.Findings, b.Findings)
	}
	if err := os.WriteFile(images()[0], []byte("damaged"), 0o644); err != nil {
		t.Fatal(err)
	}
	third, err := Load(dir)
	if err != nil || third.DB.Backend() != engine.BackendVectorscan || third.DB.VectorscanFromImage() {
		t.Fatalf("damaged cache: err %v, backend %s", err, third.DB.Backend())
	}
	if fourth, err := Load(dir); err != nil || !fourth.DB.VectorscanFromImage() {
		t.Fatalf("the damaged cache file was not replaced: %v", err)
	}
}
