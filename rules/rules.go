// Package rules holds the built-in rule set (the *.okt files beside this file, embedded in the
// binary) and loads rule sets — the built-in one, a directory or file of rules, or a compiled
// bundle — into engine databases, with a cache of what is slow to compile (see Options).
package rules

import (
	"embed"
	"fmt"
	"os"
	"path/filepath"

	"github.com/oktsec/oktsec/dsl"
)

//go:embed *.okt
var builtin embed.FS

// Builtin returns the sources of the built-in rule set.
func Builtin() ([]dsl.Source, error) {
	return dsl.LoadFS(builtin, ".")
}

// Sources returns the rule files of path — a directory, searched recursively, or one rule
// file — or the built-in ones when path is empty.
func Sources(path string) ([]dsl.Source, error) {
	if path == "" {
		return Builtin()
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("load rules: %w", err)
	}
	if fi.IsDir() {
		return dsl.LoadFS(os.DirFS(path), ".")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load rules: %w", err)
	}
	return []dsl.Source{{Name: filepath.Base(path), Data: data}}, nil
}
