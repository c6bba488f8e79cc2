// Package dsl is the front end of the rule language: it parses rule files (a participle/v2
// grammar), checks them, and lowers them to the engine's IR (package ir). Every problem is a
// Diagnostic with file:line:col; a broken file never panics.
package dsl

import (
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

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
	return compile(sources, runtime.GOMAXPROCS(0))
}

// compile is Compile with at most workers goroutines parsing files and checking rules. The
// result does not depend on workers: files are parsed and rules checked independently, each
// rule into its own diagnostics, and everything is put back together in source order.
func compile(sources []Source, workers int) (*ir.RuleSet, Diagnostics) {
	files := make([]*File, len(sources))
	parseErrs := make([]error, len(sources))
	parallel(len(sources), workers, func(i int) {
		files[i], parseErrs[i] = Parse(sources[i].Name, sources[i].Data)
	})

	// A step is, in source order, a file's parse error, a duplicate rule id or a rule to check.
	type step struct {
		diag  *Diagnostic
		rule  *Rule
		src   *Source
		out   *ir.Rule
		diags Diagnostics
	}
	var steps []*step
	var jobs []*step
	first := map[string]ir.Position{}
	for i := range sources {
		src := &sources[i]
		if err := parseErrs[i]; err != nil {
			d, ok := err.(*Diagnostic)
			if !ok {
				d = &Diagnostic{Pos: Pos{File: src.Name, Line: 1, Column: 1}, Msg: err.Error()}
			}
			steps = append(steps, &step{diag: d})
			continue
		}
		for _, r := range files[i].Rules {
			if p, dup := first[r.ID]; dup {
				dc := &checker{}
				dc.errorf(r.Pos, r.ID, "duplicate rule id %s (first defined at %s)", r.ID, p)
				steps = append(steps, &step{diag: dc.diags[0]})
				continue
			}
			first[r.ID] = posOf(r.Pos)
			st := &step{rule: r, src: src}
			steps = append(steps, st)
			jobs = append(jobs, st)
		}
	}
	parallel(len(jobs), workers, func(i int) {
		st := jobs[i]
		c := &checker{}
		st.out = c.rule(st.rule)
		st.diags = c.diags
	})

	c := &checker{}
	set := &ir.RuleSet{}
	for _, st := range steps {
		if st.diag != nil {
			c.diags = append(c.diags, st.diag)
			continue
		}
		c.diags = append(c.diags, st.diags...)
		if out, r := st.out, st.rule; out != nil {
			if r.Pos.Offset <= r.EndPos.Offset && r.EndPos.Offset <= len(st.src.Data) {
				out.Source = string(st.src.Data[r.Pos.Offset:r.EndPos.Offset])
			}
			set.Rules = append(set.Rules, out)
		}
	}
	c.diags.sort()
	if len(c.diags.Errors()) > 0 {
		return nil, c.diags
	}
	return set, c.diags
}

// parallel calls f(0) ... f(n-1) on at most workers goroutines and returns when all are done.
func parallel(n, workers int, f func(int)) {
	if workers > n {
		workers = n
	}
	if workers <= 1 {
		for i := 0; i < n; i++ {
			f(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	var panicOnce sync.Once
	var panicked any
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				// A panic goes to the caller, as it would without the goroutines.
				if r := recover(); r != nil {
					panicOnce.Do(func() { panicked = r })
					next.Store(int64(n))
				}
			}()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				f(i)
			}
		}()
	}
	wg.Wait()
	if panicked != nil {
		panic(panicked)
	}
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
