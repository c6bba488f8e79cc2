package hsmatch

import "errors"

// Pattern is one expression to match; ID is the caller's number for it.
type Pattern struct {
	ID int
	// Expr is in Go regexp syntax (regexp.Compile).
	Expr string
}

// Hit says that a match of pattern ID may end at byte offset End.
type Hit struct {
	ID  int
	End int
}

// Fallback is a pattern that is not in a Database: the caller must find its matches another
// way (for example with its own prefilter and Go's regexp).
type Fallback struct {
	ID int
	// Reason says why, for logs and reports.
	Reason string
}

// ErrUnavailable is returned by Compile and Unmarshal in a build without the hyperscan build
// tag.
var ErrUnavailable = errors.New("hsmatch: built without Hyperscan support (build tag hyperscan, library libhs)")

// ErrBrokenRuntime is returned by Compile and Unmarshal when the library fails the self-test:
// it misses matches that it must report.
var ErrBrokenRuntime = errors.New("hsmatch: the Hyperscan runtime misses matches on this machine")

// ErrClosed is returned by calls on a closed Database.
var ErrClosed = errors.New("hsmatch: use of a closed database")

// Stats describes a Database.
type Stats struct {
	// Patterns is the number of patterns in the database; Prefiltered of them were compiled
	// in Hyperscan's prefilter mode. Fallbacks is the number of patterns left out.
	Patterns, Prefiltered, Fallbacks int
	// BlockBytes is the size of the block-mode database.
	BlockBytes int
	// ScratchBytes is the size of one scratch space, and Scratches the number of scratch
	// spaces allocated so far.
	ScratchBytes, Scratches int
}
