// Package rules holds the built-in rule set (the *.okt files beside this file, embedded in the
// binary) and loads rule sets from the embedded files, a directory or a bundle.
package rules

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"

	"github.com/oktsec/oktsec/bundle"
	"github.com/oktsec/oktsec/dsl"
	"github.com/oktsec/oktsec/engine"
	"github.com/oktsec/oktsec/engine/pattern"
	"github.com/oktsec/oktsec/ir"
)

//go:embed *.okt
var builtin embed.FS

// Builtin returns the sources of the built-in rule set.
func Builtin() ([]dsl.Source, error) {
	return dsl.LoadFS(builtin, ".")
}

// Sources returns the rule files of dir, or the built-in ones when dir is empty.
func Sources(dir string) ([]dsl.Source, error) {
	if dir == "" {
		return Builtin()
	}
	return dsl.LoadFS(os.DirFS(dir), ".")
}

// Set is a loaded rule set, compiled for the engine.
type Set struct {
	Rules *ir.RuleSet
	DB    *engine.Database
	// Lints are the compiler's warnings.
	Lints dsl.Diagnostics
	// Origin says where the rules came from: "built-in", a directory, or a bundle file.
	Origin string
}

// Load compiles the rules of dir (the built-in set when empty). Compile errors come back as a
// dsl.Diagnostics error.
func Load(dir string) (*Set, error) {
	srcs, err := Sources(dir)
	if err != nil {
		return nil, err
	}
	origin := dir
	if dir == "" {
		origin = "built-in"
	}
	return compile(srcs, origin)
}

// compile compiles srcs, or takes what an earlier run of this build compiled from the same
// sources from the cache (see compiledSources), and builds the engine database.
func compile(srcs []dsl.Source, origin string) (*Set, error) {
	return compileCached(srcs, origin, compiledPath(srcs))
}

// compileCached is compile with the compiled-sources cache file at path ("": none).
func compileCached(srcs []dsl.Source, origin, path string) (*Set, error) {
	var compiled *compiledSources
	if path != "" {
		var err error
		if compiled, err = readCompiled(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			slog.Debug("compiled-sources cache not used", "path", path, "err", err)
		}
	}
	if compiled == nil {
		set, diags := dsl.Compile(srcs)
		if set == nil {
			return nil, diags.Errors()
		}
		compiled = &compiledSources{Rules: set, Lints: diags.Warnings()}
	} else {
		pattern.Import(compiled.Analyses)
		path = "" // nothing to store
	}
	db, err := CompileDB(compiled.Rules, srcs)
	if err != nil {
		return nil, fmt.Errorf("compile rules from %s: %w", origin, err)
	}
	if path != "" {
		compiled.Analyses = pattern.Analyses()
		if err := storeCompiled(path, compiled); err != nil {
			slog.Debug("compiled-sources cache not written", "path", path, "err", err)
		}
	}
	return &Set{Rules: compiled.Rules, DB: db, Lints: compiled.Lints, Origin: origin}, nil
}

// LoadBundle reads a compiled bundle file.
func LoadBundle(path string) (*Set, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read bundle: %w", err)
	}
	b, err := bundle.Read(data)
	if err != nil {
		return nil, fmt.Errorf("bundle %s: %w", path, err)
	}
	db, err := engine.CompileWith(b.Rules, engine.Options{Vectorscan: b.Vectorscan})
	if err != nil {
		return nil, fmt.Errorf("bundle %s: %w", path, err)
	}
	return &Set{Rules: b.Rules, DB: db, Origin: path}, nil
}
