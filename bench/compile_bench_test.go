package bench

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/oktsec/oktsec/bundle"
	"github.com/oktsec/oktsec/dsl"
	"github.com/oktsec/oktsec/engine"
	"github.com/oktsec/oktsec/rules"
)

// BenchmarkCompile measures loading the built-in rule set: from source (parse, check, lower,
// build the engine database: what `oktsec scan` does at start; with Vectorscan its database
// comes from the cache, and so do the compiled sources, see rules.Options.CacheDir) and from a compiled bundle (with Vectorscan, the
// bundle holds the serialized database).
func BenchmarkCompile(b *testing.B) {
	setup(b) // one-time initialization (the DSL parser is built on first use) stays out of the figures
	b.Run("from=source", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := loadBuiltin(); err != nil {
				b.Fatal(err)
			}
		}
	})
	path := writeBundle(b)
	b.Run("from=bundle", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := rules.Load(context.Background(), rules.Spec{Bundle: path}, rules.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// writeBundle compiles the built-in rules into a bundle file, as `oktsec rules compile -o` does.
func writeBundle(tb testing.TB) string {
	path := filepath.Join(tempDir(tb, "bundle"), "builtin.okb")
	if _, err := os.Stat(path); err == nil {
		return path
	}
	srcs, err := rules.Builtin()
	if err != nil {
		tb.Fatal(err)
	}
	set, diags := dsl.Compile(srcs)
	if set == nil {
		tb.Fatal(diags.Errors())
	}
	var names []string
	for _, s := range srcs {
		names = append(names, s.Name)
	}
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	b := &bundle.Bundle{Created: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Backend: string(ruleSet.DB().Backend()), Sources: names, Rules: set}
	if ruleSet.DB().Backend() == engine.BackendVectorscan {
		if b.Vectorscan, err = ruleSet.DB().VectorscanImage(); err != nil {
			tb.Fatal(err)
		}
	}
	if err := bundle.Write(f, b); err != nil {
		tb.Fatal(err)
	}
	return path
}
