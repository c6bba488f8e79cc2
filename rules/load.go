package rules

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync/atomic"
	"time"

	"github.com/oktsec/oktsec/bundle"
	"github.com/oktsec/oktsec/dsl"
	"github.com/oktsec/oktsec/engine"
	"github.com/oktsec/oktsec/ir"
	"github.com/oktsec/oktsec/pattern"
)

// Spec says which rule set to load: the built-in one when both fields are empty.
type Spec struct {
	// Rules is a directory of rule files (*.okt, searched recursively) or one rule file.
	Rules string
	// Bundle is a compiled bundle file (Set.WriteBundle); it cannot be given with Rules.
	Bundle string
}

// Options tune Load.
type Options struct {
	// CacheDir is the directory that keeps compiled rule sources and Vectorscan databases
	// between runs; "" means no cache. It is created (mode 0700) when missing, with a key
	// file that seals every cache file; a cache that cannot be written, or whose key file is
	// not this user's alone, is not used. A cache file that fails a check is compiled over.
	CacheDir string
	// Backend chooses the engine backend; "" means the best one this build has. With "",
	// a Vectorscan database that is neither cached nor in the bundle is compiled only when
	// the cache can keep it (compiling takes seconds); otherwise the set uses the Go backend
	// (same findings, slower scans), or compiles Vectorscan in the background with
	// BackgroundVectorscan. An explicit BackendVectorscan always compiles when it must.
	Backend engine.Backend
	// BackgroundVectorscan, for a long-running process, loads a set whose Vectorscan database
	// would have to be compiled with the Go backend at once and compiles Vectorscan in the
	// background; Set.DB switches to it when it is ready (see Set.Wait).
	BackgroundVectorscan bool
	// Logger receives what the loader and the engine report (cache files not used and why,
	// backend choices); nil discards it.
	Logger *slog.Logger
	// AllowEmpty accepts a rule set without rules; otherwise loading one is an error, so that
	// a scan never passes everything for want of rules.
	AllowEmpty bool
}

// CompileError is the error of rule sources that do not compile. Its message lists the errors;
// Diags holds every diagnostic, lints too. It unwraps to the errors as a dsl.Diagnostics.
type CompileError struct {
	Diags dsl.Diagnostics
}

func (e *CompileError) Error() string { return e.Diags.Errors().Error() }

// Unwrap returns the errors among the diagnostics.
func (e *CompileError) Unwrap() error { return e.Diags.Errors() }

// ErrNoRules is the error of loading a rule set that has no rules without Options.AllowEmpty.
var ErrNoRules = errors.New("the rule set has no rules")

// Set is a loaded rule set, compiled for the engine. It is safe for concurrent use.
type Set struct {
	Rules *ir.RuleSet
	// Lints are the compiler's warnings.
	Lints dsl.Diagnostics
	// Origin says where the rules came from: "built-in", a directory or file, or a bundle file.
	Origin string
	// Sources are the names of the rule files.
	Sources []string

	db atomic.Pointer[engine.Database]
	// background is closed when the background Vectorscan compile is over (nil: none);
	// backgroundErr is its error.
	background    chan struct{}
	backgroundErr error
}

// DB returns the rule set's database. With Options.BackgroundVectorscan it changes, once, from
// a Go-backend database to a Vectorscan one when that is compiled; both give the same findings,
// and a scanner made from either stays valid.
func (s *Set) DB() *engine.Database { return s.db.Load() }

// Wait waits until the background Vectorscan compile, if one was started, is over and returns
// its error; it returns ctx's error if ctx ends first.
func (s *Set) Wait(ctx context.Context) error {
	if s.background == nil {
		return nil
	}
	select {
	case <-s.background:
		return s.backgroundErr
	case <-ctx.Done():
		return ctx.Err()
	}
}

// vectorscanCompiles counts the Vectorscan databases compiled (not loaded from an image), for
// tests.
var vectorscanCompiles atomic.Int64

// Load loads the rule set spec names. Rule sources that do not compile come back as a
// *CompileError; ctx bounds a background compile (Options.BackgroundVectorscan).
func Load(ctx context.Context, spec Spec, opts Options) (*Set, error) {
	l := &loader{opts: opts, log: opts.Logger}
	if l.log == nil {
		l.log = slog.New(slog.DiscardHandler)
	}
	if spec.Bundle != "" {
		if spec.Rules != "" {
			return nil, errors.New("load rules: a directory of rules and a bundle cannot be used together")
		}
		return l.bundle(ctx, spec.Bundle)
	}
	srcs, err := Sources(spec.Rules)
	if err != nil {
		return nil, err
	}
	origin := spec.Rules
	if origin == "" {
		origin = "built-in"
	}
	return l.sources(ctx, srcs, origin)
}

// loader is one Load.
type loader struct {
	opts  Options
	log   *slog.Logger
	cache *cache
}

// openCache opens the cache of the options, or leaves it nil and logs why.
func (l *loader) openCache() {
	if l.opts.CacheDir == "" {
		return
	}
	c, err := openCache(l.opts.CacheDir, l.log)
	if err != nil {
		l.log.Debug("rule cache not used", "dir", l.opts.CacheDir, "err", err)
		return
	}
	l.cache = c
}

// sources compiles srcs, or takes what this build compiled from them earlier from the cache,
// and builds the database.
func (l *loader) sources(ctx context.Context, srcs []dsl.Source, origin string) (*Set, error) {
	l.openCache()
	digest, build := sourcesDigest(srcs), buildKey()
	compiled := l.cache.readCompiled(build, digest, srcs)
	fresh := compiled == nil
	if fresh {
		set, diags := dsl.Compile(srcs)
		if set == nil {
			return nil, &CompileError{Diags: diags}
		}
		compiled = &compiledSources{Build: build, Sources: digest, Rules: set, Lints: diags.Warnings()}
	} else {
		pattern.Import(compiled.Analyses)
	}
	if err := l.checkCount(compiled.Rules, origin); err != nil {
		return nil, err
	}
	names := make([]string, len(srcs))
	for i, s := range srcs {
		names[i] = s.Name
	}
	s := &Set{Rules: compiled.Rules, Lints: compiled.Lints, Origin: origin, Sources: names}
	if err := l.database(ctx, s, digest, l.cache.readImage(digest)); err != nil {
		return nil, fmt.Errorf("compile rules from %s: %w", origin, err)
	}
	if fresh {
		compiled.Analyses = pattern.Analyses()
		l.cache.storeCompiled(compiled)
	}
	return s, nil
}

// checkCount refuses a rule set without rules unless the options allow it.
func (l *loader) checkCount(set *ir.RuleSet, origin string) error {
	if len(set.Rules) == 0 && !l.opts.AllowEmpty {
		return fmt.Errorf("load rules from %s: %w", origin, ErrNoRules)
	}
	return nil
}

// database builds s's database with the backend the options ask for, from img (a Vectorscan
// image, nil: none) when it fits. digest names the cache file that keeps a compiled image ("":
// none).
func (l *loader) database(ctx context.Context, s *Set, digest string, img []byte) error {
	want, explicit := l.opts.Backend, l.opts.Backend != ""
	if !explicit {
		want = engine.BestBackend()
	}
	background := false
	if want == engine.BackendVectorscan && img == nil && !explicit {
		switch {
		case l.opts.BackgroundVectorscan:
			l.log.Info("vectorscan database not cached: using the go backend while it compiles in the background")
			want, background = engine.BackendGo, true
		case l.cache == nil || digest == "":
			l.log.Info("vectorscan database neither cached nor cacheable: using the go backend (same findings, slower scans) rather than compiling it on every start")
			want = engine.BackendGo
		}
	}
	db, err := l.compile(s.Rules, want, img)
	if err != nil && want == engine.BackendVectorscan && !explicit {
		l.log.Warn("vectorscan cannot compile the rule set; using the go backend", "err", err)
		db, err = l.compile(s.Rules, engine.BackendGo, nil)
	}
	if err != nil {
		return err
	}
	s.db.Store(db)
	if db.Backend() == engine.BackendVectorscan && !db.VectorscanFromImage() {
		l.storeImage(db, digest)
	}
	if background {
		s.background = make(chan struct{})
		go l.upgrade(ctx, s, digest)
	}
	return nil
}

// upgrade compiles s's Vectorscan database and switches s to it.
func (l *loader) upgrade(ctx context.Context, s *Set, digest string) {
	defer close(s.background)
	start := time.Now()
	db, err := l.compile(s.Rules, engine.BackendVectorscan, nil)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		s.backgroundErr = fmt.Errorf("background vectorscan compile: %w", err)
		l.log.Warn("vectorscan not compiled in the background; staying with the go backend", "err", err)
		return
	}
	s.db.Store(db)
	l.log.Info("switched to the vectorscan backend", "compile", time.Since(start).Round(time.Millisecond))
	l.storeImage(db, digest)
}

// storeImage caches the compiled Vectorscan image of db.
func (l *loader) storeImage(db *engine.Database, digest string) {
	if l.cache == nil || digest == "" {
		return
	}
	img, err := db.VectorscanImage()
	if err != nil {
		l.log.Debug("vectorscan image not cached", "err", err)
		return
	}
	l.cache.storeImage(digest, img)
}

// compile builds a database with the given backend (never "", so that the engine does not
// choose one on its own), loading Vectorscan from img when it fits.
func (l *loader) compile(set *ir.RuleSet, backend engine.Backend, img []byte) (*engine.Database, error) {
	opts := engine.Options{Backend: backend, Logger: l.log}
	if backend == engine.BackendVectorscan {
		opts.Vectorscan = img
	}
	db, err := engine.CompileWith(set, opts)
	if err == nil && db.Backend() == engine.BackendVectorscan && !db.VectorscanFromImage() {
		vectorscanCompiles.Add(1)
	}
	return db, err
}

// bundle loads a compiled bundle file, with its Vectorscan image when it has one.
func (l *loader) bundle(ctx context.Context, path string) (*Set, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read bundle: %w", err)
	}
	b, err := bundle.Read(data)
	if err != nil {
		return nil, fmt.Errorf("bundle %s: %w", path, err)
	}
	if err := l.checkCount(b.Rules, path); err != nil {
		return nil, err
	}
	s := &Set{Rules: b.Rules, Origin: path, Sources: b.Sources}
	if err := l.database(ctx, s, "", b.Vectorscan); err != nil {
		return nil, fmt.Errorf("bundle %s: %w", path, err)
	}
	return s, nil
}

// WriteBundle writes the rule set to path as a bundle, with its database's Vectorscan image
// when it uses Vectorscan.
func (s *Set) WriteBundle(path string) error {
	db := s.DB()
	b := &bundle.Bundle{Created: time.Now().UTC(), Backend: string(db.Backend()), Sources: s.Sources, Rules: s.Rules}
	if db.Backend() == engine.BackendVectorscan {
		img, err := db.VectorscanImage()
		if err != nil {
			return fmt.Errorf("bundle: %w", err)
		}
		b.Vectorscan = img
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create bundle: %w", err)
	}
	if err := bundle.Write(f, b); err != nil {
		f.Close()
		return fmt.Errorf("write bundle %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close bundle: %w", err)
	}
	return nil
}
