//go:build hyperscan

package hsmatch

import "fmt"

// Marshal serializes the database for Unmarshal, which needs the same library version and a
// compatible CPU.
func (db *Database) Marshal() ([]byte, error) {
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.res == nil {
		return nil, ErrClosed
	}
	block, err := db.res.block.serialize()
	if err != nil {
		return nil, fmt.Errorf("hsmatch: marshal block database: %w", err)
	}
	im := image{ids: db.ids, prefiltered: db.prefiltered, fallbacks: db.fallbacks, block: block}
	return im.encode(), nil
}

// Unmarshal loads a database serialized by Marshal. It copies b: b may be reused afterwards.
func Unmarshal(b []byte) (*Database, error) {
	if err := checkRuntime(); err != nil {
		return nil, err
	}
	im, err := decodeImage(b)
	if err != nil {
		return nil, err
	}
	db, err := newDatabase(im)
	if err != nil {
		return nil, fmt.Errorf("hsmatch: unmarshal: %w", err)
	}
	return db, nil
}
