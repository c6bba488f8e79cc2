package rules

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/oktsec/oktsec/dsl"
)

// The cache directory (Options.CacheDir) keeps, between runs, what is slow to make again: the
// compiled Vectorscan database of a rule set's patterns, and what compiling its sources produced
// (see compiledSources). Nothing read from it is trusted: every file is sealed with an
// HMAC-SHA256 under a key that only this user can read (keyFile), so a file that another user,
// another program or a damaged disk put there is not taken, and what it holds is checked against
// the sources before it is used. A file that fails any check is compiled over.

// keyFile is the name of the cache's key file in the cache directory.
const keyFile = "cache.key"

// keySize is the length of the cache key.
const keySize = 32

// cache is an open cache directory; a nil *cache is no cache.
type cache struct {
	dir string
	key []byte
	log *slog.Logger
}

// openCache opens the cache in dir, creating the directory (mode 0700) and its key (mode 0600)
// when they are not there. It fails when dir is "" or cannot be written, or when the key file is
// not a regular file of this user that only this user can read and write.
func openCache(dir string, log *slog.Logger) (*cache, error) {
	if dir == "" {
		return nil, errors.New("no cache directory")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create cache directory: %w", err)
	}
	path := filepath.Join(dir, keyFile)
	key, err := readKey(path)
	if errors.Is(err, fs.ErrNotExist) {
		key, err = createKey(path)
		if errors.Is(err, fs.ErrExist) { // another process made it first
			key, err = readKey(path)
		}
	}
	if err != nil {
		return nil, err
	}
	// Check that the directory can be written, so that a cache that cannot keep anything is
	// known as such before a slow compile is chosen in the hope of keeping its result.
	probe, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		return nil, fmt.Errorf("cache directory not writable: %w", err)
	}
	probe.Close()
	os.Remove(probe.Name())
	return &cache{dir: dir, key: key, log: log}, nil
}

// readKey reads the key file at path and checks that it is a regular file owned by this user
// and closed to others.
func readKey(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|noFollow, 0)
	if err != nil {
		return nil, fmt.Errorf("open cache key: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("cache key: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("cache key %s is not a regular file", path)
	}
	if err := privateToMe(fi); err != nil {
		return nil, fmt.Errorf("cache key %s: %w", path, err)
	}
	key, err := io.ReadAll(io.LimitReader(f, keySize+1))
	if err != nil {
		return nil, fmt.Errorf("read cache key: %w", err)
	}
	if len(key) != keySize {
		return nil, fmt.Errorf("cache key %s has %d bytes, want %d", path, len(key), keySize)
	}
	return key, nil
}

// createKey makes a new random key file at path; it fails with fs.ErrExist when there is one.
func createKey(path string) ([]byte, error) {
	key := make([]byte, keySize)
	rand.Read(key)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|noFollow, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create cache key: %w", err)
	}
	if _, err := f.Write(key); err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("write cache key: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("write cache key: %w", err)
	}
	return key, nil
}

// mac is the seal of a cache file with the given magic and payload.
func (c *cache) mac(magic string, payload []byte) []byte {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(magic))
	m.Write(payload)
	return m.Sum(nil)
}

// read returns the payload of the cache file name, which must start with magic and carry the
// seal of this cache's key. A missing file is fs.ErrNotExist.
func (c *cache) read(name, magic string) ([]byte, error) {
	data, err := os.ReadFile(filepath.Join(c.dir, name))
	if err != nil {
		return nil, err
	}
	rest, ok := bytes.CutPrefix(data, []byte(magic))
	if !ok || len(rest) < sha256.Size {
		return nil, errors.New("not a cache file of this kind")
	}
	payload := rest[sha256.Size:]
	if !hmac.Equal(rest[:sha256.Size], c.mac(magic, payload)) {
		return nil, errors.New("the cache file is not sealed with this cache's key (damaged, or not written by this user's oktsec)")
	}
	return payload, nil
}

// write seals payload and writes it to the cache file name, atomically.
func (c *cache) write(name, magic string, payload []byte) error {
	data := make([]byte, 0, len(magic)+sha256.Size+len(payload))
	data = append(append(append(data, magic...), c.mac(magic, payload)...), payload...)
	return writeAtomic(filepath.Join(c.dir, name), data)
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

// imageMagic starts a cache file holding a Vectorscan image (engine.Database.VectorscanImage).
const imageMagic = "oktsec-cached-vectorscan-2\n"

// imageName is the cache file of the Vectorscan image of a rule set's sources. The image itself
// records the patterns, translation and runtime it was built for, and the engine checks them, so
// one file serves every build of oktsec that compiles the same patterns.
func imageName(digest string) string { return "vectorscan-" + digest[:32] + ".img" }

// readImage returns the cached Vectorscan image of the sources with the given digest, or nil.
func (c *cache) readImage(digest string) []byte {
	if c == nil {
		return nil
	}
	img, err := c.read(imageName(digest), imageMagic)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			c.log.Debug("cached vectorscan image not used", "file", imageName(digest), "err", err)
		}
		return nil
	}
	return img
}

// storeImage caches a Vectorscan image.
func (c *cache) storeImage(digest string, img []byte) {
	if c == nil {
		return
	}
	if err := c.write(imageName(digest), imageMagic, img); err != nil {
		c.log.Debug("vectorscan image not cached", "err", err)
	}
}

// writeAtomic writes data to path through a temporary file in the same directory, so that a
// reader sees the old file or the whole new one.
func writeAtomic(path string, data []byte) error {
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
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}
