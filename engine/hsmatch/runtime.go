//go:build hyperscan

package hsmatch

import (
	_ "embed"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/flier/gohs/hyperscan"
)

// The library runtime is chosen once per process. Debian's Vectorscan 5.4.9 is a multi-target
// build whose AVX-512 and AVX2 variants miss matches: on a CPU with AVX-512, Q[\x00-\xff] is
// not reported once the text is longer than 64 bytes; with AVX2, a set of four built-in rule
// expressions loses one's match (testdata/avx2-reproducer.txt). So the SSE variant (corei7, or
// core2 on CPUs without SSE4.2) is used whenever the library exports it, databases are compiled
// without AVX features to match, and a self-test on such patterns guards against any runtime
// with the first fault.
var runtimeState struct {
	once sync.Once
	// variant is the pinned library build, "" for the library's own dispatch.
	variant string
	err     error
}

// checkRuntime selects the runtime and self-tests it (once).
func checkRuntime() error {
	runtimeState.once.Do(func() {
		runtimeState.variant = useSSERuntime()
		runtimeState.err = selfTest()
		if runtimeState.err == nil && runtimeState.variant == "" {
			// The library's own dispatch may pick an AVX2 build: check for its fault.
			runtimeState.err = avx2Reproducer.check()
		}
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
	if runtimeState.variant != "" {
		variant = runtimeState.variant + " variant"
	}
	return fmt.Sprintf("Hyperscan %s, %s", strings.TrimSpace(hyperscan.Version()), variant)
}

// targetPlatform is the platform databases are compiled for: this machine, less its AVX
// features when an SSE runtime variant runs them; nil (the host, as the library sees it) when
// the library cannot describe this machine.
func targetPlatform() hyperscan.Platform {
	host := hyperscan.PopulatePlatform()
	// On failure PopulatePlatform returns a nil pointer in a non-nil interface.
	if v := reflect.ValueOf(host); !v.IsValid() || (v.Kind() == reflect.Pointer && v.IsNil()) {
		return nil
	}
	if runtimeState.variant == "" {
		return host
	}
	return hyperscan.NewPlatform(host.Tune(), 0)
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
		}, set, tail, 200); err != nil {
			return err
		}
	}
	return nil
}

// selfTestSet compiles pats, whose IDs are ids, and scans tail after n bytes of x for every n
// below lengths: the hits of the patterns that want(n) names must be want(n).
func selfTestSet(pats hyperscan.Patterns, want func(int) []Hit, ids []int, tail string, lengths int) error {
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
	for n := 0; n < lengths; n++ {
		text := []byte(strings.Repeat("x", n) + tail)
		err := scanBlock(db, text, scratch, k)
		hits, derr := k.drain(nil, ids)
		if err != nil || derr != nil {
			return fmt.Errorf("hsmatch: self-test: %w", errors.Join(err, derr))
		}
		w := want(n)
		hits = slices.DeleteFunc(hits, func(h Hit) bool {
			return !slices.ContainsFunc(w, func(x Hit) bool { return x.ID == h.ID })
		})
		if got := sortHits(hits); !slices.Equal(got, w) {
			return fmt.Errorf("%w (%s): hits %v on a text of %d bytes, want %v", ErrBrokenRuntime, runtimeName(), got, len(text), w)
		}
	}
	return nil
}

//go:embed testdata/avx2-reproducer.txt
var avx2ReproducerText string

// avx2Reproducer holds the set on which the AVX2 build of Vectorscan 5.4.9 misses a match.
var avx2Reproducer = parseReproducer(avx2ReproducerText)

// reproducer is a set of Go expressions and a text in which the first expression matches; a
// faulty runtime misses that match when the set is compiled into one database.
type reproducer struct {
	exprs []string
	text  []byte
}

// parseReproducer reads a reproducer: comment lines (#), one expression per line, a line
// ----, then the text.
func parseReproducer(s string) reproducer {
	var r reproducer
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	for i, line := range lines {
		if line == "----" {
			r.text = []byte(strings.Join(lines[i+1:], "\n"))
			break
		}
		if line != "" && !strings.HasPrefix(line, "#") {
			r.exprs = append(r.exprs, line)
		}
	}
	return r
}

// check compiles the reproducer's set and scans its text; the error wraps ErrBrokenRuntime
// when the first expression's match is not reported.
func (r reproducer) check() error {
	if len(r.exprs) == 0 {
		return errors.New("hsmatch: self-test: empty reproducer")
	}
	re, err := regexp.Compile(r.exprs[0])
	if err != nil {
		return fmt.Errorf("hsmatch: self-test: %w", err)
	}
	loc := re.FindIndex(r.text)
	if loc == nil {
		return errors.New("hsmatch: self-test: the reproducer's first expression does not match its text")
	}
	pats := make(hyperscan.Patterns, len(r.exprs))
	for i, e := range r.exprs {
		expr, err := Translate(e)
		if err != nil {
			return fmt.Errorf("hsmatch: self-test: %w", err)
		}
		pats[i] = hyperscan.NewPattern(expr, 0)
		pats[i].Id = i
	}
	ids := make([]int, len(pats))
	for i := range ids {
		ids[i] = i
	}
	want := []Hit{{ID: 0, End: loc[1]}}
	return selfTestSet(pats, func(int) []Hit { return want }, ids, string(r.text), 1)
}
