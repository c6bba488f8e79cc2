//go:build hyperscan

package hsmatch

import (
	"cmp"
	"runtime"
	"slices"
	"sync"
)

// Available reports whether this build can compile and scan (build tag hyperscan).
const Available = true

// Database is a compiled set of patterns. It is safe for concurrent use by many goroutines.
// Its C memory is freed by Close or, failing that, once it is garbage.
type Database struct {
	// mu is held shared by every library call and exclusively by Close.
	mu      sync.RWMutex
	res     *resources // nil once closed
	cleanup runtime.Cleanup

	ids         []int // expression index → pattern ID
	prefiltered []int
	fallbacks   []Fallback
}

// resources is the C memory of a Database, apart from it so that a cleanup can free it.
type resources struct {
	block hsDB
	pool  *scratchPool
}

func (r *resources) free() {
	if r.pool != nil {
		r.pool.free()
	}
	r.block.free()
}

// newDatabase loads the library database of im (deserializing it).
func newDatabase(im *image) (*Database, error) {
	res := &resources{}
	var err error
	if res.block, err = deserialize(im.block); err != nil {
		return nil, err
	}
	if res.pool, err = newScratchPool(res.block); err != nil {
		res.free()
		return nil, err
	}
	db := &Database{res: res, ids: im.ids, prefiltered: im.prefiltered, fallbacks: im.fallbacks}
	db.cleanup = runtime.AddCleanup(db, (*resources).free, res)
	return db, nil
}

// Fallbacks lists the patterns that are not in the database, in the order given to Compile.
func (db *Database) Fallbacks() []Fallback { return db.fallbacks }

// Prefiltered lists the IDs of the patterns compiled in Hyperscan's prefilter mode, which
// over-approximates more than the translation does.
func (db *Database) Prefiltered() []int { return db.prefiltered }

// Stats describes the database.
func (db *Database) Stats() Stats {
	st := Stats{Patterns: len(db.ids), Prefiltered: len(db.prefiltered), Fallbacks: len(db.fallbacks)}
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.res == nil {
		return st
	}
	st.BlockBytes = db.res.block.size()
	st.ScratchBytes = db.res.pool.proto.size()
	db.res.pool.mu.Lock()
	st.Scratches = len(db.res.pool.all)
	db.res.pool.mu.Unlock()
	return st
}

// Close frees the database. It waits for calls in progress; later calls return ErrClosed.
func (db *Database) Close() error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.res == nil {
		return nil
	}
	db.cleanup.Stop()
	db.res.free()
	db.res = nil
	return nil
}

// Scan appends to hits the end offsets of the matches in text, sorted by End then ID, without
// duplicates.
func (db *Database) Scan(text []byte, hits []Hit) ([]Hit, error) {
	if len(text) == 0 {
		return hits, nil
	}
	return db.call(hits, func(res *resources, s *slot) error {
		return scanBlock(res.block, text, s.scratch, s.sink)
	})
}

// call runs one library call with a pooled slot and appends the matches it collected.
func (db *Database) call(hits []Hit, f func(*resources, *slot) error) ([]Hit, error) {
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.res == nil {
		return hits, ErrClosed
	}
	s, err := db.res.pool.get()
	if err != nil {
		return hits, err
	}
	err = f(db.res, s)
	start := len(hits)
	hits, derr := s.sink.drain(hits, db.ids)
	db.res.pool.put(s)
	if derr != nil {
		err = derr
	}
	hits = hits[:start+len(sortHits(hits[start:]))]
	return hits, err
}

// compareHits orders hits by End, then ID.
func compareHits(a, b Hit) int {
	if c := cmp.Compare(a.End, b.End); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// sortHits sorts hits by End then ID and drops duplicates.
func sortHits(hits []Hit) []Hit {
	if !slices.IsSortedFunc(hits, compareHits) {
		slices.SortFunc(hits, compareHits)
	}
	return slices.Compact(hits)
}
