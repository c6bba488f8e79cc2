//go:build hyperscan

package hsmatch

import (
	"errors"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
)

// smallDB compiles supersetExprs with IDs that differ from their indexes.
func smallDB(t testing.TB) (*Database, []Pattern) {
	t.Helper()
	var pats []Pattern
	for i, e := range supersetExprs {
		pats = append(pats, Pattern{ID: 1000 - 7*i, Expr: e})
	}
	db, err := Compile(pats)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db, pats
}

func testTexts(seed uint64, n int) [][]byte {
	rng := rand.New(rand.NewPCG(seed, 7))
	texts := [][]byte{[]byte("KELVIN \u212aelvin paſſword PASSWORD straße STRASSE a\nb foo bar"), []byte("\xff\xfe\xe2\x82x\xc3y")}
	for i := range n {
		// Some texts are longer than a 64-byte vector: a faulty runtime missed matches there.
		pieces := 1 + rng.IntN(40)
		if i%4 == 0 {
			pieces = 1 + rng.IntN(160)
		}
		texts = append(texts, randomText(rng, pieces))
	}
	return texts
}

// checkHits asserts the superset property of hits for the patterns on text.
func checkHits(t *testing.T, pats []Pattern, text []byte, hits []Hit) {
	t.Helper()
	if !slices.IsSortedFunc(hits, compareHits) || len(slices.Compact(slices.Clone(hits))) != len(hits) {
		t.Fatalf("hits not sorted and unique: %v", hits)
	}
	have := map[Hit]bool{}
	for _, h := range hits {
		have[h] = true
	}
	for _, p := range pats {
		for _, e := range goEnds(regexp.MustCompile(p.Expr), text) {
			if !have[Hit{ID: p.ID, End: e}] {
				t.Fatalf("pattern %d %q: Go match ends at %d in %q, no hit (hits %v)", p.ID, p.Expr, e, text, hits)
			}
		}
	}
}

func TestScanSuperset(t *testing.T) {
	db, pats := smallDB(t)
	if fb := db.Fallbacks(); len(fb) != 0 {
		t.Fatalf("fallbacks: %v", fb)
	}
	for _, text := range testTexts(3, 500) {
		hits, err := db.Scan(text, nil)
		if err != nil {
			t.Fatal(err)
		}
		checkHits(t, pats, text, hits)
	}
}

func TestRuntime(t *testing.T) {
	if err := checkRuntime(); err != nil {
		t.Fatal(err)
	}
	t.Log(RuntimeInfo())
	// Shapes a faulty AVX-512 runtime missed after texts longer than 64 bytes, alone and with
	// another pattern that made it miss in the built-in set.
	rm := Pattern{ID: 9, Expr: `(?:;|&&|\|\|?)\s{0,3}rm\s+-[A-Za-z]{0,3}[fr]`}
	q := Pattern{ID: 1, Expr: `Q[\x00-\x{10FFFF}]`}
	y := Pattern{ID: 2, Expr: `y[^a]`}
	vs := Pattern{ID: 3, Expr: `[\x{fe08}-\x{fe0f}][\x{fe00}-\x{fe0f}]{2,63}`}
	for _, pats := range [][]Pattern{{q}, {y}, {vs}, {rm, vs}, {q, y, vs}} {
		db, err := Compile(pats)
		if err != nil {
			t.Fatal(err)
		}
		for n := range 300 {
			text := []byte(strings.Repeat("x", n) + "Qzy\ufe0e\ufe00\ufe0f")
			hits, err := db.Scan(text, nil)
			if err != nil {
				t.Fatal(err)
			}
			checkHits(t, pats, text, hits)
		}
		_ = db.Close()
	}
}

func TestScanAppends(t *testing.T) {
	db, _ := smallDB(t)
	prefix := []Hit{{ID: -1, End: 99}}
	hits, err := db.Scan([]byte("xfoobar KELVIN"), slices.Clone(prefix))
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) < 2 || hits[0] != prefix[0] {
		t.Fatalf("Scan did not append after the given hits: %v", hits)
	}
	if hits, err := db.Scan(nil, nil); err != nil || len(hits) != 0 {
		t.Fatalf("Scan(nil) = %v, %v", hits, err)
	}
}

// TestMarshalRoundTrip checks that a database scans the same after Marshal and Unmarshal, and
// that Unmarshal refuses what Marshal did not make (format 1 included, which held a
// stream-mode database too).
func TestMarshalRoundTrip(t *testing.T) {
	for _, bad := range [][]byte{nil, []byte("OKHSM"), append([]byte(formatMagic), 0xff), []byte("OKHSM\x01\x00\x00\x00\x00\x00")} {
		if _, err := Unmarshal(bad); err == nil {
			t.Errorf("Unmarshal(%q) did not fail", bad)
		}
	}
	db, err := Compile([]Pattern{{ID: 5, Expr: `(?i)kelvin`}, {ID: 6, Expr: `a*`}, {ID: -9, Expr: `é+x`}})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b, err := db.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	db2, err := Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	clear(b) // Unmarshal must not keep b
	if !slices.Equal(db2.Fallbacks(), db.Fallbacks()) || len(db2.Fallbacks()) != 1 || db2.Fallbacks()[0].ID != 6 {
		t.Errorf("fallbacks %v, want %v", db2.Fallbacks(), db.Fallbacks())
	}
	text := []byte("KELVIN \u212aelvin ééx")
	h1, err1 := db.Scan(text, nil)
	h2, err2 := db2.Scan(text, nil)
	want := []Hit{{5, 6}, {5, 15}, {-9, 21}}
	if err1 != nil || err2 != nil || !slices.Equal(h1, want) || !slices.Equal(h2, want) {
		t.Errorf("hits %v (%v) and %v (%v), want %v", h1, err1, h2, err2, want)
	}
	if st := db2.Stats(); st.Patterns != 2 || st.Fallbacks != 1 || st.BlockBytes == 0 || st.ScratchBytes == 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestCompileErrors(t *testing.T) {
	if _, err := Compile([]Pattern{{ID: 1, Expr: "a"}, {ID: 1, Expr: "b"}}); err == nil {
		t.Error("duplicate ids accepted")
	}
	if _, err := Compile([]Pattern{{ID: 1, Expr: "a*"}}); err == nil {
		t.Error("a set without a compilable pattern accepted")
	}
	db, err := Compile([]Pattern{{ID: 1, Expr: "a("}, {ID: 2, Expr: "b"}, {ID: 3, Expr: `[^\x00-\x{10FFFF}]`}})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var ids []int
	for _, f := range db.Fallbacks() {
		ids = append(ids, f.ID)
	}
	if !slices.Equal(ids, []int{1, 3}) {
		t.Errorf("fallback ids %v, want [1 3]", ids)
	}
}

func TestClosedDatabase(t *testing.T) {
	db, err := Compile([]Pattern{{ID: 1, Expr: "abc"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Scan([]byte("abc"), nil); !errors.Is(err, ErrClosed) {
		t.Errorf("Scan after Close: %v", err)
	}
	if _, err := db.Marshal(); !errors.Is(err, ErrClosed) {
		t.Errorf("Marshal after Close: %v", err)
	}
}

// TestConcurrent scans from many goroutines at once; each must see what a lone
// scan sees, and the scratch pool must not grow past the number of goroutines.
func TestConcurrent(t *testing.T) {
	db, _ := smallDB(t)
	texts := testTexts(9, 100)
	want := make([][]Hit, len(texts))
	for i, tx := range texts {
		var err error
		if want[i], err = db.Scan(tx, nil); err != nil {
			t.Fatal(err)
		}
	}
	const workers = 8
	var wg sync.WaitGroup
	errs := make(chan string, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				for i, tx := range texts {
					got, err := db.Scan(tx, nil)
					if err != nil || !slices.Equal(got, want[i]) {
						errs <- "concurrent scan differs"
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if n := db.Stats().Scratches; n < 1 || n > workers+1 {
		t.Errorf("%d scratch spaces for %d goroutines", n, workers)
	}
}

// TestCompilerRetry drives the retry path with expressions Hyperscan rejects: a backreference,
// which prefilter mode accepts (approximated), and recursion, which it does not.
func TestCompilerRetry(t *testing.T) {
	c := &compiler{}
	c.add(10, `abc`)
	c.add(11, `(a)\1x`)
	c.add(12, `a(?R)?b`)
	im, err := c.build()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(im.ids, []int{10, 11}) || !slices.Equal(im.prefiltered, []int{11}) {
		t.Fatalf("ids %v, prefiltered %v", im.ids, im.prefiltered)
	}
	if len(im.fallbacks) != 1 || im.fallbacks[0].ID != 12 {
		t.Fatalf("fallbacks %v", im.fallbacks)
	}
	db, err := newDatabase(im)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	hits, err := db.Scan([]byte("abc aax"), nil)
	if err != nil || !slices.Equal(hits, []Hit{{10, 3}, {11, 7}}) {
		t.Fatalf("hits %v (%v)", hits, err)
	}
}

// TestAVX2Reproducer compiles the expressions of testdata/avx2-reproducer.txt into one
// database and checks that the first one's match in the text is reported: the runtime variant
// in use must not have the AVX2 build's fault (see runtime.go).
func TestAVX2Reproducer(t *testing.T) {
	if n := len(avx2Reproducer.exprs); n < 2 || len(avx2Reproducer.text) == 0 {
		t.Fatalf("testdata/avx2-reproducer.txt: %d expressions, text %q", n, avx2Reproducer.text)
	}
	if err := avx2Reproducer.check(); err != nil {
		t.Fatalf("%s: %v", RuntimeInfo(), err)
	}
}
