// Package dsl is the front end of the rule language: it parses rule files (a participle/v2
// grammar), checks them, and lowers them to the engine's IR (package ir). Every problem is a
// Diagnostic with file:line:col; a broken file never panics.
package dsl

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/oktsec/oktsec/ir"
)

// Ext is the extension of rule files.
const Ext = ".okt"

// Source is one rule file's name and contents.
type Source struct {
	Name string
	Data []byte
}

// Compile parses, checks and lowers the sources into one rule set. The rule set is nil when any
// diagnostic is an error; warnings (lints) come back either way.
func Compile(sources []Source) (*ir.RuleSet, Diagnostics) {
	c := &checker{}
	set := &ir.RuleSet{}
	first := map[string]ir.Position{}
	for _, src := range sources {
		f, err := Parse(src.Name, src.Data)
		if err != nil {
			if d, ok := err.(*Diagnostic); ok {
				c.diags = append(c.diags, d)
			} else {
				c.diags = append(c.diags, &Diagnostic{Pos: Pos{File: src.Name, Line: 1, Column: 1}, Msg: err.Error()})
			}
			continue
		}
		for _, r := range f.Rules {
			if p, dup := first[r.ID]; dup {
				c.errorf(r.Pos, r.ID, "duplicate rule id %s (first defined at %s)", r.ID, p)
				continue
			}
			first[r.ID] = posOf(r.Pos)
			if out := c.rule(r); out != nil {
				if r.Pos.Offset <= r.EndPos.Offset && r.EndPos.Offset <= len(src.Data) {
					out.Source = string(src.Data[r.Pos.Offset:r.EndPos.Offset])
				}
				set.Rules = append(set.Rules, out)
			}
		}
	}
	c.diags.sort()
	if len(c.diags.Errors()) > 0 {
		return nil, c.diags
	}
	return set, c.diags
}

// LoadFS reads every rule file (*.okt) under dir in fsys, in name order.
func LoadFS(fsys fs.FS, dir string) ([]Source, error) {
	var out []Source
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(p, Ext) {
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return fmt.Errorf("read rule file: %w", err)
		}
		out = append(out, Source{Name: path.Clean(p), Data: data})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load rules from %s: %w", dir, err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	if len(out) == 0 {
		return nil, fmt.Errorf("load rules from %s: no %s files", dir, Ext)
	}
	return out, nil
}
