//go:build hyperscan

package hsmatch

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/flier/gohs/hyperscan"
)

// The library runtime is chosen once per process. Debian's Vectorscan 5.4.9 is a multi-target
// build whose AVX-512 variant, picked on CPUs that have AVX-512, misses matches: Q[\x00-\xff]
// is not reported once the text is longer than 64 bytes. So the AVX2 variant is used whenever
// the library exports it, databases are compiled without AVX-512 features to match, and a
// self-test on such patterns guards against any runtime with the same fault.
var runtimeState struct {
	once sync.Once
	avx2 bool
	err  error
}

// checkRuntime selects the runtime and self-tests it (once).
func checkRuntime() error {
	runtimeState.once.Do(func() {
		runtimeState.avx2 = useAVX2Runtime()
		runtimeState.err = selfTest()
	})
	return runtimeState.err
}

// RuntimeInfo names the library version and the runtime variant in use.
func RuntimeInfo() string {
	_ = checkRuntime()
	return runtimeName()
}

func runtimeName() string {
	variant := "native dispatch"
	if runtimeState.avx2 {
		variant = "AVX2 variant"
	}
	return fmt.Sprintf("Hyperscan %s, %s", strings.TrimSpace(hyperscan.Version()), variant)
}

// targetPlatform is the platform databases are compiled for: this machine, less AVX-512 when
// the AVX2 runtime variant runs them.
func targetPlatform() hyperscan.Platform {
	host := hyperscan.PopulatePlatform()
	if host == nil || !runtimeState.avx2 {
		return host
	}
	return hyperscan.NewPlatform(host.Tune(), host.CpuFeatures()&^hyperscan.AVX512)
}

// selfTestExprs are shapes the faulty AVX-512 runtime misses: one byte, then a class.
var selfTestExprs = []string{`Q[\x00-\xff]`, `y[\x80-\xff]`, `\xef[\x80-\xbf]`, `abc`}

// selfTest scans texts of many lengths for selfTestExprs, with a database for each and one for
// all (the fault depends on the engines the compiler picks), and checks every expected match.
func selfTest() error {
	const tail = "Qy\xef\xbfabc" // Q[\x00-\xff] ends at +2, y[\x80-\xff] +3, \xef[\x80-\xbf] +4, abc +7
	ends := []int{2, 3, 4, 7}
	sets := [][]int{{0, 1, 2, 3}}
	for i := range selfTestExprs {
		sets = append(sets, []int{i})
	}
	for _, set := range sets {
		pats := make(hyperscan.Patterns, len(set))
		for i, e := range set {
			pats[i] = hyperscan.NewPattern(selfTestExprs[e], 0)
			pats[i].Id = i
		}
		if err := selfTestSet(pats, func(n int) []Hit {
			var want []Hit
			for _, e := range set {
				want = append(want, Hit{ID: e, End: n + ends[e]})
			}
			return want
		}, set, tail); err != nil {
			return err
		}
	}
	return nil
}

func selfTestSet(pats hyperscan.Patterns, want func(int) []Hit, ids []int, tail string) error {
	img, err := compileMode(pats, hyperscan.BlockMode)
	if err != nil {
		return fmt.Errorf("hsmatch: self-test: %w", err)
	}
	db, err := deserialize(img)
	if err != nil {
		return fmt.Errorf("hsmatch: self-test: %w", err)
	}
	defer db.free()
	scratch, err := allocScratch(db)
	if err != nil {
		return fmt.Errorf("hsmatch: self-test: %w", err)
	}
	defer scratch.free()
	k := newSink()
	defer k.free()
	for n := 0; n < 200; n++ {
		text := []byte(strings.Repeat("x", n) + tail)
		err := scanBlock(db, text, scratch, k)
		hits, derr := k.drain(nil, ids)
		if err != nil || derr != nil {
			return fmt.Errorf("hsmatch: self-test: %w", errors.Join(err, derr))
		}
		if got, w := sortHits(hits), want(n); !slices.Equal(got, w) {
			return fmt.Errorf("%w (%s): hits %v on a text of %d bytes, want %v", ErrBrokenRuntime, runtimeName(), got, len(text), w)
		}
	}
	return nil
}
