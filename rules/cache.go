package rules

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/oktsec/oktsec/dsl"
	"github.com/oktsec/oktsec/engine"
	"github.com/oktsec/oktsec/ir"
)

// CacheEnv names the environment variable that sets the directory where compiled Vectorscan
// databases and compiled rule sources (see compiledSources) are kept between runs ("off" turns
// the cache off). By default it is oktsec/ under the user's cache directory. Compiling a large
// rule set for Vectorscan takes seconds to minutes; loading a cached database takes
// milliseconds.
const CacheEnv = "OKTSEC_CACHE_DIR"

// cacheDir returns the cache directory (see CacheEnv), or "" when there is none.
func cacheDir() string {
	dir := os.Getenv(CacheEnv)
	switch dir {
	case "off":
		return ""
	case "":
		base, err := os.UserCacheDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(base, "oktsec")
	}
	return dir
}

// sourcesDigest identifies a rule set's sources: names and contents.
func sourcesDigest(srcs []dsl.Source) string {
	h := sha256.New()
	for _, s := range srcs {
		fmt.Fprintf(h, "%s\x00%d\x00", s.Name, len(s.Data))
		h.Write(s.Data)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// cachePath returns the file that holds the Vectorscan image of a rule set's sources, or "" when
// there is no cache. The image itself records the patterns, translation and runtime it was
// built for, so one file serves every build of oktsec that compiles the same patterns.
func cachePath(srcs []dsl.Source) string {
	dir := cacheDir()
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, "vectorscan-"+sourcesDigest(srcs)[:32]+".img")
}

// CompileDB compiles a rule set made from srcs with the best backend, loading the Vectorscan
// database from the cache (see CacheEnv) when it is there and fits, and storing it when it was
// compiled.
func CompileDB(set *ir.RuleSet, srcs []dsl.Source) (*engine.Database, error) {
	if engine.BestBackend() != engine.BackendVectorscan {
		return engine.Compile(set)
	}
	path := cachePath(srcs)
	var opts engine.Options
	if path != "" {
		if img, err := os.ReadFile(path); err == nil {
			opts.Vectorscan = img
		}
	}
	db, err := engine.CompileWith(set, opts)
	if err != nil || path == "" || db.Backend() != engine.BackendVectorscan || db.VectorscanFromImage() {
		return db, err
	}
	if err := storeImage(path, db); err != nil {
		slog.Debug("vectorscan cache not written", "path", path, "err", err)
	}
	return db, nil
}

// storeImage writes the database's Vectorscan image to path, atomically.
func storeImage(path string, db *engine.Database) error {
	img, err := db.VectorscanImage()
	if err != nil {
		return err
	}
	return writeAtomic(path, img)
}

// writeAtomic writes data to path through a temporary file in the same directory, so that a
// reader sees the old file or the whole new one.
func writeAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}
