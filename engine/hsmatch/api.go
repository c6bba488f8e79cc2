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

// ErrNoStreamMode is returned by OpenStream on a database compiled without stream mode
// (Compile rather than CompileStreaming).
var ErrNoStreamMode = errors.New("hsmatch: the database has no stream mode (CompileStreaming builds one)")

// ErrClosed is returned by calls on a closed Database or Stream.
var ErrClosed = errors.New("hsmatch: use of a closed database or stream")

// Stats describes a Database.
type Stats struct {
	// Patterns is the number of patterns in the database; Prefiltered of them were compiled
	// in Hyperscan's prefilter mode. Fallbacks is the number of patterns left out.
	Patterns, Prefiltered, Fallbacks int
	// BlockBytes and StreamBytes are the sizes of the block-mode and stream-mode databases.
	BlockBytes, StreamBytes int
	// StreamState is the size of one open stream's state, ScratchBytes that of one scratch
	// space, and Scratches the number of scratch spaces allocated so far.
	StreamState, ScratchBytes, Scratches int
}
