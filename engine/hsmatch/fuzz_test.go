package hsmatch

import (
	"errors"
	"regexp"
	"sync"
	"testing"
)

// fuzzDBs caches one compiled database per expression (nil when Hyperscan left it out).
var fuzzDBs sync.Map

func fuzzDB(t *testing.T, expr string) *Database {
	if db, ok := fuzzDBs.Load(expr); ok {
		return db.(*Database)
	}
	db, err := Compile([]Pattern{{ID: 1, Expr: expr}, {ID: 2, Expr: "zq"}})
	if err != nil {
		t.Fatalf("Compile(%q): %v", expr, err)
	}
	for _, f := range db.Fallbacks() {
		if f.ID == 1 {
			t.Logf("%q left out: %s", expr, f.Reason)
			_ = db.Close()
			db = nil
			break
		}
	}
	fuzzDBs.Store(expr, db)
	return db
}

// FuzzSuperset checks the superset property for an expression and a text: every end offset of
// a Go match is a match end of the translation (run over bytes by Go's regexp) and, in a build
// with Hyperscan, a hit of the compiled database.
func FuzzSuperset(f *testing.F) {
	for i, e := range supersetExprs {
		f.Add(e, []byte(textAlphabet[i%len(textAlphabet)]+"xfoo bar kelvin KELVIN \u212a é\xffab\u017f"))
	}
	f.Fuzz(func(t *testing.T, expr string, text []byte) {
		if len(expr) > 64 || len(text) > 512 {
			return
		}
		goRe, err := regexp.Compile(expr)
		if err != nil {
			return
		}
		tr, err := Translate(expr)
		if errors.Is(err, ErrMatchesEmpty) || errors.Is(err, ErrNeverMatches) {
			return
		}
		if err != nil {
			t.Fatalf("Translate(%q): %v", expr, err)
		}
		if o, err := newByteOracle(tr); err == nil { // Go's size limits may refuse the oracle
			if v := supersetViolation(goRe, o, text); v != "" {
				t.Fatalf("%q → %q: %s", expr, tr, v)
			}
		}
		if !Available {
			return
		}
		db := fuzzDB(t, expr)
		if db == nil {
			return
		}
		hits, err := db.Scan(text, nil)
		if err != nil {
			t.Fatal(err)
		}
		have := map[int]bool{}
		for _, h := range hits {
			if h.ID == 1 {
				have[h.End] = true
			}
		}
		for _, e := range goEnds(goRe, text) {
			if !have[e] {
				t.Fatalf("%q → %q: Go match ends at %d in %q, no hit (hits %v)", expr, tr, e, text, hits)
			}
		}
	})
}
