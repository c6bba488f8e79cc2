//go:build hyperscan

package hsmatch

import (
	"errors"
	"runtime"
)

// Stream scans a text that arrives in chunks; hit offsets count from the start of the stream.
//
// Debian's Vectorscan 5.4.9 loses some matches that span two writes in stream mode: the
// expression fsockopen\s{0,2}\([^\n]{0,300}(?:exec|...)\s{0,2}\( over
// "00000000000000000000fsockopen(00000000000000000000exec(" written as 52 bytes then 3 reports
// nothing, where block mode and other cuts report the end 55. The engine therefore scans
// streamed text in block mode over overlapping windows and does not use Stream.
// It holds only the library's stream state (Stats.StreamState bytes): scratch space comes from
// the database's pool during each call. A Stream is for one goroutine at a time; its state is
// freed by Close or, failing that, once it is garbage.
type Stream struct {
	db      *Database
	state   *streamState
	cleanup runtime.Cleanup
}

// streamState is the C memory of a Stream, apart from it so that a cleanup can free it.
type streamState struct {
	st hsStream // zero once closed
}

func (s *streamState) free() {
	if s.st.p != nil {
		_ = s.st.close(hsScratch{}, sink{})
		s.st = hsStream{}
	}
}

// OpenStream starts a stream.
func (db *Database) OpenStream() (*Stream, error) {
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.res == nil {
		return nil, ErrClosed
	}
	if db.res.stream.p == nil {
		return nil, ErrNoStreamMode
	}
	st, err := openStream(db.res.stream)
	if err != nil {
		return nil, err
	}
	s := &Stream{db: db, state: &streamState{st: st}}
	s.cleanup = runtime.AddCleanup(s, (*streamState).free, s.state)
	return s, nil
}

// Write scans the next chunk and appends the hits that end in it (sorted by End then ID).
func (s *Stream) Write(chunk []byte, hits []Hit) ([]Hit, error) {
	if s.state.st.p == nil {
		return hits, ErrClosed
	}
	if len(chunk) == 0 {
		return hits, nil
	}
	return s.db.call(hits, func(_ *resources, sl *slot) error {
		return s.state.st.write(chunk, sl.scratch, sl.sink)
	})
}

// Close ends the stream, appends the hits that only the end of the text decides, and frees
// the stream state.
func (s *Stream) Close(hits []Hit) ([]Hit, error) {
	if s.state.st.p == nil {
		return hits, ErrClosed
	}
	s.cleanup.Stop()
	st := s.state.st
	s.state.st = hsStream{}
	hits, err := s.db.call(hits, func(_ *resources, sl *slot) error {
		return st.close(sl.scratch, sl.sink)
	})
	if errors.Is(err, ErrClosed) {
		// The database is gone: free the state without reporting.
		_ = st.close(hsScratch{}, sink{})
	}
	return hits, err
}
