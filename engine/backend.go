package engine

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"

	"github.com/oktsec/oktsec/engine/hsmatch"
)

// Backend names a way of finding candidate matches. Every backend confirms candidates with the
// same Go code, so all give the same findings; they differ in speed.
type Backend string

// Backends.
const (
	// BackendGo finds candidates with an Aho-Corasick pass over each expression's literals.
	BackendGo Backend = "go"
	// BackendVectorscan finds where matches can end with one Vectorscan (Hyperscan) pass; it
	// needs a build with the hyperscan tag.
	BackendVectorscan Backend = "vectorscan"
)

// BestBackend is the fastest backend this build has.
func BestBackend() Backend {
	if hsmatch.Available {
		return BackendVectorscan
	}
	return BackendGo
}

// Options tune Compile.
type Options struct {
	// Backend chooses the backend; empty means BestBackend, falling back to BackendGo (with a
	// warning in the log) if Vectorscan cannot compile the set.
	Backend Backend
	// Vectorscan is a serialized Vectorscan database (Database.VectorscanImage) to load
	// instead of compiling one; it is ignored, with a debug message, when it was built for
	// other rules or another library.
	Vectorscan []byte
	// Logger receives the database's messages, at compile and at scan time; nil discards them.
	Logger *slog.Logger
}

// ErrVectorscanUnavailable is the error of asking for the Vectorscan backend, or its costs, in a
// build without it (no hyperscan build tag). It is the same value as the matcher's own error, so
// errors.Is recognizes either.
var ErrVectorscanUnavailable = hsmatch.ErrUnavailable

// VectorscanRuntime describes the Vectorscan library and instruction set this build uses, or
// says that it has none.
func VectorscanRuntime() string { return hsmatch.RuntimeInfo() }

// discard is the logger of a database given none.
var discard = slog.New(slog.DiscardHandler)

// vectorscan holds the Vectorscan databases of a rule set: one for the patterns matched on
// normalized text, one for those matched on raw text (nil when a form has none), and prefilters
// for the patterns Vectorscan left out.
type vectorscan struct {
	norm, raw                 *hsmatch.Database
	normFallback, rawFallback prefilter
	// fromImage: the databases were loaded from an image, not compiled.
	fromImage bool
}

// VectorscanFromImage reports whether the database's Vectorscan databases were loaded from the
// image given in Options rather than compiled.
func (db *Database) VectorscanFromImage() bool { return db.hs != nil && db.hs.fromImage }

// Backend returns the backend the database uses.
func (db *Database) Backend() Backend {
	if db.hs != nil {
		return BackendVectorscan
	}
	return BackendGo
}

// useBackend sets up the backend opts ask for on a database whose Go structures are built.
func (db *Database) useBackend(opts Options) error {
	want := opts.Backend
	if want == "" {
		want = BestBackend()
	}
	switch want {
	case BackendGo:
		return nil
	case BackendVectorscan:
	default:
		return fmt.Errorf("unknown backend %q", want)
	}
	if !hsmatch.Available {
		return fmt.Errorf("backend %s: %w", want, ErrVectorscanUnavailable)
	}
	var err error
	if opts.Vectorscan != nil {
		if err = db.loadVectorscan(opts.Vectorscan); err == nil {
			return nil
		}
		db.log.Debug("vectorscan image not used; compiling", "err", err)
	}
	if err = db.compileVectorscan(); err != nil {
		if opts.Backend == "" {
			db.log.Warn("vectorscan cannot compile the rule set; using the go backend", "err", err)
			return nil
		}
		return err
	}
	return nil
}

// compileVectorscan compiles the databases of both text forms.
func (db *Database) compileVectorscan() error {
	hs := &vectorscan{}
	for _, raw := range []bool{false, true} {
		var pats []hsmatch.Pattern
		for _, pi := range db.formPatterns(raw) {
			pats = append(pats, hsmatch.Pattern{ID: pi, Expr: db.patterns[pi].expr})
		}
		if len(pats) == 0 {
			continue
		}
		hdb, err := hsmatch.Compile(pats)
		if err != nil {
			return fmt.Errorf("vectorscan: %w", err)
		}
		if raw {
			hs.raw = hdb
		} else {
			hs.norm = hdb
		}
	}
	db.setVectorscan(hs)
	return nil
}

// setVectorscan installs the databases and builds the prefilters of the patterns they left out.
func (db *Database) setVectorscan(hs *vectorscan) {
	fallbacks := func(hdb *hsmatch.Database) []int {
		var ids []int
		if hdb != nil {
			for _, f := range hdb.Fallbacks() {
				ids = append(ids, f.ID)
				db.log.Debug("pattern left to the go prefilter", "pattern", db.patterns[f.ID].expr, "reason", f.Reason)
			}
		}
		return ids
	}
	hs.normFallback = db.buildPrefilter(fallbacks(hs.norm))
	hs.rawFallback = db.buildPrefilter(fallbacks(hs.raw))
	db.hs = hs
}

// imageMagic starts a serialized pair of Vectorscan databases.
const imageMagic = "oktsec-vectorscan-1\n"

// VectorscanImage serializes the database's Vectorscan databases for Options.Vectorscan; it
// fails when the database does not use Vectorscan.
func (db *Database) VectorscanImage() ([]byte, error) {
	if db.hs == nil {
		return nil, errors.New("the database does not use vectorscan")
	}
	var b bytes.Buffer
	b.WriteString(imageMagic)
	digest := db.patternDigest()
	b.Write(digest[:])
	for _, hdb := range []*hsmatch.Database{db.hs.norm, db.hs.raw} {
		var img []byte
		if hdb != nil {
			var err error
			if img, err = hdb.Marshal(); err != nil {
				return nil, err
			}
		}
		b.Write(binary.AppendUvarint(nil, uint64(len(img))))
		b.Write(img)
	}
	return b.Bytes(), nil
}

// loadVectorscan loads databases serialized by VectorscanImage for the same patterns.
func (db *Database) loadVectorscan(img []byte) error {
	rest, ok := bytes.CutPrefix(img, []byte(imageMagic))
	digest := db.patternDigest()
	if !ok || len(rest) < len(digest) {
		return errors.New("not a vectorscan image")
	}
	if !bytes.Equal(rest[:len(digest)], digest[:]) {
		return errors.New("the image was built for other rules")
	}
	rest = rest[len(digest):]
	hs := &vectorscan{}
	for _, dst := range []**hsmatch.Database{&hs.norm, &hs.raw} {
		n, k := binary.Uvarint(rest)
		if k <= 0 || uint64(len(rest)-k) < n {
			return errors.New("truncated vectorscan image")
		}
		part := rest[k : k+int(n)]
		rest = rest[k+int(n):]
		if len(part) == 0 {
			continue
		}
		hdb, err := hsmatch.Unmarshal(part)
		if err != nil {
			return err
		}
		*dst = hdb
	}
	hs.fromImage = true
	db.setVectorscan(hs)
	return nil
}

// patternDigest identifies the patterns a Vectorscan image must have been built for, and the
// library runtime it must have been built by (which fixes the instruction set).
func (db *Database) patternDigest() [sha256.Size]byte {
	h := sha256.New()
	fmt.Fprintf(h, "translation %d\nruntime %s\n", hsmatch.TranslationVersion, hsmatch.RuntimeInfo())
	for _, p := range db.patterns {
		fmt.Fprintf(h, "%t\x00%s\x00", p.raw, p.expr)
	}
	var d [sha256.Size]byte
	h.Sum(d[:0])
	return d
}

// hitRanges turns Vectorscan hits into candidate ranges: a match ending at e starts in
// [e-maxLen, e-minLen]. Hits come sorted by end, so a pattern's ranges grow in order and
// overlapping ones merge as they come.
func (db *Database) hitRanges(hits []hsmatch.Hit, applies []bool, c *candidates) {
	for _, h := range hits {
		p := h.ID
		if !applies[p] {
			continue
		}
		cp := db.patterns[p]
		c.addInOrder(p, span{max(0, h.End-cp.maxLen), h.End - cp.minLen})
	}
}

// addInOrder adds a candidate range of pattern p that starts no earlier than the ranges before
// it, merging it into the last one when they touch; an empty range is dropped.
func (c *candidates) addInOrder(p int, r span) {
	if r.end < r.start {
		return
	}
	if rs := c.ranges[p]; len(rs) > 0 && r.start <= rs[len(rs)-1].end+1 {
		rs[len(rs)-1].end = max(rs[len(rs)-1].end, r.end)
		return
	}
	c.add(p, r)
}

// formBackend returns the Vectorscan database and the prefilter to run over one form of a
// unit's text: with Vectorscan, its database and the prefilter of what it left out; without,
// no database and the whole prefilter.
func (db *Database) formBackend(raw bool) (*hsmatch.Database, *prefilter) {
	switch {
	case db.hs == nil:
		return nil, db.fullPrefilter(raw)
	case raw:
		return db.hs.raw, &db.hs.rawFallback
	}
	return db.hs.norm, &db.hs.normFallback
}

// empty reports whether the prefilter has nothing to search for.
func (pf *prefilter) empty() bool {
	return pf.matcher == nil && len(pf.scanAll) == 0 && len(pf.foldKS) == 0
}

// heldPatterns returns the patterns of one text form that its Vectorscan database holds: all
// of the form's patterns but those left to the Go prefilter.
func (db *Database) heldPatterns(raw bool) []int {
	hdb, _ := db.formBackend(raw)
	if hdb == nil {
		return nil
	}
	left := map[int]bool{}
	for _, f := range hdb.Fallbacks() {
		left[f.ID] = true
	}
	var held []int
	for _, p := range db.formPatterns(raw) {
		if !left[p] {
			held = append(held, p)
		}
	}
	return held
}

// allRanges makes candidates of every match of the given patterns that could end in
// (done, end]: what a failed Vectorscan scan of that text would have narrowed down. Ranges
// keep growing in order, as hitRanges keeps them.
func (db *Database) allRanges(patterns []int, done, end int, applies []bool, c *candidates) {
	for _, p := range patterns {
		if !applies[p] {
			continue
		}
		cp := db.patterns[p]
		c.addInOrder(p, span{max(0, done+1-cp.maxLen), end - cp.minLen})
	}
}
