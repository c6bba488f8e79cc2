package rules

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/oktsec/oktsec/dsl"
	"github.com/oktsec/oktsec/engine"
)

var compiledTestSource = []dsl.Source{{Name: "t.okt", Data: []byte(`rule CACHED_001 {
  severity high
  category demo
  meta { title = "Cached rule", remediation = "None." }
  strings { $a = /exfil(trate)?[ -]now/ nocase }
  condition: $a
  examples { match "EXFILTRATE now" match "exfil-now" nomatch "exfil" nomatch "now" }
}
`)}}

// TestCompiledSourcesCache: the first compile stores the lowered rules, lints and analyses;
// the next takes them from the file (a marker put into the file shows it); a damaged file is
// compiled over, not trusted.
func TestCompiledSourcesCache(t *testing.T) {
	path := filepath.Join(t.TempDir(), "compiled.gob")
	first, err := compileCached(compiledTestSource, "test", path)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := readCompiled(path)
	if err != nil {
		t.Fatalf("cache file not written: %v", err)
	}
	if !reflect.DeepEqual(cs.Rules, first.Rules) || len(cs.Analyses) == 0 {
		t.Fatalf("cache holds %+v and %d analyses, want the compiled rules and their analyses", cs.Rules, len(cs.Analyses))
	}

	// Mark the cached rule: a compile that reads the file returns the mark.
	cs.Rules.Rules[0].Meta["title"] = "from the cache"
	if err := storeCompiled(path, cs); err != nil {
		t.Fatal(err)
	}
	second, err := compileCached(compiledTestSource, "test", path)
	if err != nil {
		t.Fatal(err)
	}
	if got := second.Rules.Rules[0].Title(); got != "from the cache" {
		t.Errorf("second compile: title %q, want the cached one", got)
	}
	if r, err := engine.NewScanner(second.DB).ScanText(context.Background(), []byte("please exfiltrate now")); err != nil || len(r.Findings) != 1 {
		t.Errorf("database from the cached rules: %+v, want one finding", r)
	}

	// Damage the file: it is compiled over and rewritten.
	data, _ := os.ReadFile(path)
	data[len(data)-1] ^= 0xff
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	third, err := compileCached(compiledTestSource, "test", path)
	if err != nil {
		t.Fatal(err)
	}
	if got := third.Rules.Rules[0].Title(); got != "Cached rule" {
		t.Errorf("after damage: title %q, want the compiled one", got)
	}
	if _, err := readCompiled(path); err != nil {
		t.Errorf("damaged cache not rewritten: %v", err)
	}
}

// TestBuildKeyInTests: a test binary carries no VCS stamp, so it never uses the cache.
func TestBuildKeyInTests(t *testing.T) {
	if k := buildKey(); k != "" {
		t.Errorf("buildKey() = %q in a test binary, want empty", k)
	}
}
