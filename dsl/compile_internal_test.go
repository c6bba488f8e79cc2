package dsl

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// builtinSources reads the built-in rule files (../rules/*.okt); the rules package cannot be
// imported here, it imports this one.
func builtinSources(t *testing.T) []Source {
	t.Helper()
	names, err := filepath.Glob(filepath.Join("..", "rules", "*"+Ext))
	if err != nil || len(names) == 0 {
		t.Fatalf("no built-in rule files: %v", err)
	}
	var out []Source
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, Source{Name: filepath.Base(n), Data: data})
	}
	return out
}

// TestCompileWorkers checks that compiling on several goroutines gives exactly the sequential
// result: the same rules in the same order and the same diagnostics.
func TestCompileWorkers(t *testing.T) {
	srcs := builtinSources(t)
	// A broken file, a duplicate rule id and a rule with errors exercise the diagnostics.
	dup := srcs[0].Data
	srcs = append(srcs,
		Source{Name: "zz_broken.okt", Data: []byte("rule X {\n  severity: \n")},
		Source{Name: "zz_dup.okt", Data: dup},
	)
	for _, srcs := range [][]Source{srcs[:len(srcs)-2], srcs} {
		wantSet, wantDiags := compile(srcs, 1)
		for _, workers := range []int{2, 3, 8, 64} {
			set, diags := compile(srcs, workers)
			if !reflect.DeepEqual(set, wantSet) {
				t.Errorf("%d workers: rule set differs from the sequential one", workers)
			}
			if !reflect.DeepEqual(diags, wantDiags) {
				t.Errorf("%d workers: diagnostics differ from the sequential ones:\n%v\nwant:\n%v", workers, diags, wantDiags)
			}
		}
	}
}
