//go:build !hyperscan

package hsmatch

// Available reports whether this build can compile and scan (build tag hyperscan).
const Available = false

// RuntimeInfo names the library runtime in use: none in this build.
func RuntimeInfo() string { return "none (built without the hyperscan build tag)" }

// Database is a compiled set of patterns; without the hyperscan build tag there is none.
type Database struct{}

// Compile returns ErrUnavailable: this build has no Hyperscan.
func Compile([]Pattern) (*Database, error) { return nil, ErrUnavailable }

// Unmarshal returns ErrUnavailable: this build has no Hyperscan.
func Unmarshal([]byte) (*Database, error) { return nil, ErrUnavailable }

// Fallbacks lists the patterns that are not in the database.
func (*Database) Fallbacks() []Fallback { return nil }

// Prefiltered lists the IDs of the patterns compiled in prefilter mode.
func (*Database) Prefiltered() []int { return nil }

// Stats describes the database.
func (*Database) Stats() Stats { return Stats{} }

// Close frees the database.
func (*Database) Close() error { return nil }

// Marshal returns ErrUnavailable.
func (*Database) Marshal() ([]byte, error) { return nil, ErrUnavailable }

// Scan returns ErrUnavailable.
func (*Database) Scan(_ []byte, hits []Hit) ([]Hit, error) { return hits, ErrUnavailable }
