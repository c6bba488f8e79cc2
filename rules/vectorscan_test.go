package rules

import (
	"bytes"
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"github.com/oktsec/oktsec/engine"
)

const vectorscanTestSource = `rule T { severity high category t meta { title = "t" remediation = "r" }
  strings { $a = /ignore\s+all\s+previous/ nocase window 40 }
  condition: $a
  examples { match "please IGNORE all previous" match "ignore  all previous" nomatch "ignore some" nomatch "x" } }
rule U { severity medium category t meta { title = "u" remediation = "r" }
  strings { $a = "exfil-now" $b = /TESTKEY[0-9]{12}/ }
  condition: any of them
  examples { match "exfil-now" match "TESTKEY123456789012" nomatch "exfil" nomatch "TESTKEY1" } }
`

var vectorscanTestInput = []byte("notes: please IGNORE all previous orders, exfil-now TESTKEY123456789012")

// findingsOf scans the test input with the set's current database.
func findingsOf(s *Set) []engine.Finding {
	res, err := engine.NewScanner(s.DB()).ScanText(context.Background(), vectorscanTestInput)
	if err != nil {
		panic(err)
	}
	return res.Findings
}

func vectorscanRules(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	writeRules(t, dir, vectorscanTestSource)
	return dir
}

func hasVectorscan() bool { return engine.BestBackend() == engine.BackendVectorscan }

// TestVectorscanCache: with Vectorscan, the first load compiles the database and caches it, the
// next takes it from the cache with the same findings; a cached image that is damaged, sealed
// with another key or built for other rules is compiled over. Without Vectorscan nothing is
// cached.
func TestVectorscanCache(t *testing.T) {
	dir, cacheDir := vectorscanRules(t), t.TempDir()
	opts := Options{CacheDir: cacheDir}
	images := func() []string {
		m, _ := filepath.Glob(filepath.Join(cacheDir, "vectorscan-*.img"))
		return m
	}
	want := findingsOf(load(t, Spec{Rules: dir}, Options{Backend: engine.BackendGo}))
	if len(want) != 2 {
		t.Fatalf("go backend: findings %+v, want 2", want)
	}
	first := load(t, Spec{Rules: dir}, opts)
	if !hasVectorscan() {
		if n := len(images()); n != 0 || first.DB().Backend() != engine.BackendGo {
			t.Fatalf("go build: backend %s, %d cached images", first.DB().Backend(), n)
		}
		return
	}
	if n := len(images()); n != 1 || first.DB().VectorscanFromImage() {
		t.Fatalf("first load: %d cached images, from image %t", n, first.DB().VectorscanFromImage())
	}
	compiles := vectorscanCompiles.Load()
	second := load(t, Spec{Rules: dir}, opts)
	if !second.DB().VectorscanFromImage() || vectorscanCompiles.Load() != compiles {
		t.Fatal("second load compiled again instead of using the cache")
	}
	if got := findingsOf(second); !reflect.DeepEqual(got, want) {
		t.Fatalf("cached: %+v, want %+v", got, want)
	}
	good, err := os.ReadFile(images()[0])
	if err != nil {
		t.Fatal(err)
	}
	// An image of other rules, sealed with the right key.
	otherDir := t.TempDir()
	writeRules(t, otherDir, string(compiledTestSource[0].Data))
	otherCache := t.TempDir()
	other := load(t, Spec{Rules: otherDir}, Options{CacheDir: otherCache})
	otherImg, err := other.DB().VectorscanImage()
	if err != nil {
		t.Fatal(err)
	}
	c, err := openCache(cacheDir, discardLogger)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"flipped byte", func() []byte { b := bytes.Clone(good); b[len(b)/2] ^= 1; return b }()},
		{"truncated", good[:len(good)-100]},
		{"foreign key", seal(&cache{key: bytes.Repeat([]byte{9}, keySize)}, imageMagic, good[len(imageMagic)+sha256.Size:])},
		{"other rules, sealed", seal(c, imageMagic, otherImg)},
		{"garbage", []byte("damaged")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(images()[0], tc.data, 0o600); err != nil {
				t.Fatal(err)
			}
			s := load(t, Spec{Rules: dir}, opts)
			if s.DB().Backend() != engine.BackendVectorscan || s.DB().VectorscanFromImage() {
				t.Fatalf("backend %s, from image %t: want a compiled vectorscan database", s.DB().Backend(), s.DB().VectorscanFromImage())
			}
			if got := findingsOf(s); !reflect.DeepEqual(got, want) {
				t.Fatalf("findings %+v, want %+v", got, want)
			}
			if again := load(t, Spec{Rules: dir}, opts); !again.DB().VectorscanFromImage() {
				t.Fatal("the bad image was not compiled over")
			}
		})
	}
}

// TestNoCacheNoVectorscanCompile: when the Vectorscan database can be neither loaded nor kept,
// loading with the best backend uses the go backend instead of compiling Vectorscan on every
// start; an explicit Vectorscan backend still compiles it.
func TestNoCacheNoVectorscanCompile(t *testing.T) {
	dir := vectorscanRules(t)
	notDir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	want := findingsOf(load(t, Spec{Rules: dir}, Options{Backend: engine.BackendGo}))
	for _, cacheDir := range []string{"", filepath.Join(notDir, "cache")} {
		compiles := vectorscanCompiles.Load()
		s := load(t, Spec{Rules: dir}, Options{CacheDir: cacheDir})
		if s.DB().Backend() != engine.BackendGo || vectorscanCompiles.Load() != compiles {
			t.Errorf("cache %q: backend %s, %d vectorscan compiles; want go and none", cacheDir, s.DB().Backend(), vectorscanCompiles.Load()-compiles)
		}
		if got := findingsOf(s); !reflect.DeepEqual(got, want) {
			t.Errorf("cache %q: findings %+v, want %+v", cacheDir, got, want)
		}
	}
	if !hasVectorscan() {
		return
	}
	compiles := vectorscanCompiles.Load()
	s := load(t, Spec{Rules: dir}, Options{Backend: engine.BackendVectorscan})
	if s.DB().Backend() != engine.BackendVectorscan || vectorscanCompiles.Load() != compiles+1 {
		t.Errorf("explicit vectorscan: backend %s, %d compiles", s.DB().Backend(), vectorscanCompiles.Load()-compiles)
	}
}

// TestBackgroundVectorscan: with BackgroundVectorscan and no cache, the set starts on the go
// backend and switches to Vectorscan when its compile is done, while scans run concurrently
// and all give the same findings.
func TestBackgroundVectorscan(t *testing.T) {
	dir := vectorscanRules(t)
	want := findingsOf(load(t, Spec{Rules: dir}, Options{Backend: engine.BackendGo}))
	compiles := vectorscanCompiles.Load()
	s := load(t, Spec{Rules: dir}, Options{BackgroundVectorscan: true})
	var wg sync.WaitGroup
	done := make(chan struct{})
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				if got := findingsOf(s); !reflect.DeepEqual(got, want) {
					t.Errorf("during the switch (backend %s): findings %+v, want %+v", s.DB().Backend(), got, want)
					return
				}
				select {
				case <-done:
					return
				default:
				}
			}
		}()
	}
	err := s.Wait(context.Background())
	close(done)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	wantBackend, wantCompiles := engine.BackendGo, compiles
	if hasVectorscan() {
		wantBackend, wantCompiles = engine.BackendVectorscan, compiles+1
	}
	if s.DB().Backend() != wantBackend || vectorscanCompiles.Load() != wantCompiles {
		t.Errorf("after the background compile: backend %s, %d compiles; want %s", s.DB().Backend(), vectorscanCompiles.Load()-compiles, wantBackend)
	}
	if got := findingsOf(s); !reflect.DeepEqual(got, want) {
		t.Errorf("after the switch: findings %+v, want %+v", got, want)
	}
}
