//go:build hyperscan

package hsmatch

/*
#cgo pkg-config: libhs
#cgo LDFLAGS: -ldl
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <hs.h>

// The runtime functions in use. A multi-target ("fat") library build dispatches each call to
// the build for the best instruction set the CPU has; hsm_use_variant pins one build instead.
typedef struct {
	hs_error_t (*scan)(const hs_database_t *, const char *, unsigned int, unsigned int,
		hs_scratch_t *, match_event_handler, void *);
	hs_error_t (*deserialize)(const char *, const size_t, hs_database_t **);
	hs_error_t (*serialize)(const hs_database_t *, char **, size_t *);
	hs_error_t (*free_database)(hs_database_t *);
	hs_error_t (*database_size)(const hs_database_t *, size_t *);
} hsm_runtime;

static hsm_runtime rt = {hs_scan, hs_deserialize_database, hs_serialize_database,
	hs_free_database, hs_database_size};

// hsm_use_variant switches every runtime call to one build of a multi-target library, named
// by its symbol prefix ("corei7_", "core2_"), when the library exports it. It returns 1 when
// it switched.
static int hsm_use_variant(const char *prefix) {
	static const char *names[] = {"hs_scan", "hs_deserialize_database",
		"hs_serialize_database", "hs_free_database", "hs_database_size"};
	void *p[5];
	char name[64];
	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof name, "%s%s", prefix, names[i]);
		p[i] = dlsym(RTLD_DEFAULT, name);
		if (p[i] == NULL) {
			return 0;
		}
	}
	rt.scan = p[0];
	rt.deserialize = p[1];
	rt.serialize = p[2];
	rt.free_database = p[3];
	rt.database_size = p[4];
	return 1;
}

// hsm_cpu_sse42 reports whether the CPU runs the corei7 build (SSE4.2 and POPCNT).
static int hsm_cpu_sse42(void) {
	__builtin_cpu_init();
	return __builtin_cpu_supports("sse4.2") && __builtin_cpu_supports("popcnt");
}

// One match: the expression's index and the end offset.
typedef struct {
	unsigned int id;
	unsigned long long end;
} hsm_hit;

// A growable buffer the match callback fills during one library call.
typedef struct {
	hsm_hit *hits;
	size_t n, cap;
	int oom;
} hsm_sink;

static int hsm_on_match(unsigned int id, unsigned long long from, unsigned long long to,
		unsigned int flags, void *ctx) {
	hsm_sink *s = (hsm_sink *)ctx;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 1024;
		hsm_hit *h = (hsm_hit *)realloc(s->hits, cap * sizeof(hsm_hit));
		if (h == NULL) {
			s->oom = 1;
			return 1; // stop scanning
		}
		s->hits = h;
		s->cap = cap;
	}
	s->hits[s->n].id = id;
	s->hits[s->n].end = to;
	s->n++;
	return 0;
}

static hs_error_t hsm_scan(const hs_database_t *db, const char *data, unsigned int len,
		hs_scratch_t *scratch, hsm_sink *sink) {
	return rt.scan(db, data, len, 0, scratch, hsm_on_match, sink);
}

static void hsm_free_sink(hsm_sink *s) {
	free(s->hits);
	free(s);
}

static void hsm_shrink_sink(hsm_sink *s, size_t max) {
	if (s->cap > max) {
		free(s->hits);
		s->hits = NULL;
		s->cap = 0;
	}
	s->n = 0;
	s->oom = 0;
}

static hs_error_t hsm_serialize(const hs_database_t *db, char **bytes, size_t *len) {
	return rt.serialize(db, bytes, len);
}

static hs_error_t hsm_deserialize(const char *bytes, size_t len, hs_database_t **db) {
	return rt.deserialize(bytes, len, db);
}

static hs_error_t hsm_free_database(hs_database_t *db) { return rt.free_database(db); }

static hs_error_t hsm_database_size(const hs_database_t *db, size_t *n) {
	return rt.database_size(db, n);
}
*/
import "C"

import (
	"errors"
	"fmt"
	"math"
	"unsafe"
)

// This file is the only one that talks to the library directly: the rest of the package uses
// the small wrappers below.

// useSSERuntime pins the SSE build of a multi-target library (see runtime.go) that this CPU
// runs, corei7 or else core2, and returns its name; "" when the library has no such builds.
func useSSERuntime() string {
	variants := []string{"corei7", "core2"}
	if C.hsm_cpu_sse42() != 1 {
		variants = variants[1:]
	}
	for _, v := range variants {
		prefix := C.CString(v + "_")
		ok := C.hsm_use_variant(prefix) == 1
		C.free(unsafe.Pointer(prefix))
		if ok {
			return v
		}
	}
	return ""
}

// hsDB is a compiled Hyperscan database.
type hsDB struct{ p *C.hs_database_t }

// hsScratch is a Hyperscan scratch space.
type hsScratch struct{ p *C.hs_scratch_t }

// sink collects the matches of one library call.
type sink struct{ p *C.hsm_sink }

// maxSinkHits bounds the buffer a sink keeps between calls (16 bytes a hit).
const maxSinkHits = 1 << 16

// hsError turns a library return code into an error.
func hsError(op string, code C.hs_error_t) error {
	if code == C.HS_SUCCESS {
		return nil
	}
	var what string
	switch code {
	case C.HS_INVALID:
		what = "invalid parameter"
	case C.HS_NOMEM:
		what = "out of memory"
	case C.HS_SCAN_TERMINATED:
		what = "scan terminated"
	case C.HS_DB_VERSION_ERROR:
		what = "database built by another library version"
	case C.HS_DB_PLATFORM_ERROR:
		what = "database built for another platform"
	case C.HS_DB_MODE_ERROR:
		what = "database of the wrong mode"
	case C.HS_BAD_ALIGN:
		what = "bad alignment"
	case C.HS_SCRATCH_IN_USE:
		what = "scratch in use"
	case C.HS_ARCH_ERROR:
		what = "unsupported CPU"
	default:
		what = fmt.Sprintf("error %d", int(code))
	}
	return fmt.Errorf("hsmatch: %s: %s", op, what)
}

func deserialize(b []byte) (hsDB, error) {
	if len(b) == 0 {
		return hsDB{}, errors.New("hsmatch: deserialize: empty database")
	}
	var db *C.hs_database_t
	code := C.hsm_deserialize((*C.char)(unsafe.Pointer(&b[0])), C.size_t(len(b)), &db)
	return hsDB{db}, hsError("deserialize", code)
}

func (d hsDB) serialize() ([]byte, error) {
	var bytes *C.char
	var n C.size_t
	if err := hsError("serialize", C.hsm_serialize(d.p, &bytes, &n)); err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(bytes))
	return C.GoBytes(unsafe.Pointer(bytes), C.int(n)), nil
}

func (d hsDB) free() {
	if d.p != nil {
		C.hsm_free_database(d.p)
	}
}

// size is the database's size in memory.
func (d hsDB) size() int {
	var n C.size_t
	if C.hsm_database_size(d.p, &n) != C.HS_SUCCESS {
		return 0
	}
	return int(n)
}

// allocScratch makes a scratch space for d.
func allocScratch(d hsDB) (hsScratch, error) {
	var s *C.hs_scratch_t
	if err := hsError("allocate scratch", C.hs_alloc_scratch(d.p, &s)); err != nil {
		if s != nil {
			C.hs_free_scratch(s)
		}
		return hsScratch{}, err
	}
	return hsScratch{s}, nil
}

func (s hsScratch) clone() (hsScratch, error) {
	var c *C.hs_scratch_t
	return hsScratch{c}, hsError("clone scratch", C.hs_clone_scratch(s.p, &c))
}

func (s hsScratch) size() int {
	var n C.size_t
	if C.hs_scratch_size(s.p, &n) != C.HS_SUCCESS {
		return 0
	}
	return int(n)
}

func (s hsScratch) free() {
	if s.p != nil {
		C.hs_free_scratch(s.p)
	}
}

func newSink() sink {
	return sink{(*C.hsm_sink)(C.calloc(1, C.size_t(unsafe.Sizeof(C.hsm_sink{}))))}
}

func (k sink) free() { C.hsm_free_sink(k.p) }

// drain appends the collected matches to hits, mapping expression indexes through ids, and
// empties the sink.
func (k sink) drain(hits []Hit, ids []int) ([]Hit, error) {
	var err error
	if k.p.oom != 0 {
		err = errors.New("hsmatch: out of memory collecting matches")
	}
	if n := int(k.p.n); n > 0 {
		for _, h := range unsafe.Slice(k.p.hits, n) {
			hits = append(hits, Hit{ID: ids[h.id], End: int(h.end)})
		}
	}
	C.hsm_shrink_sink(k.p, maxSinkHits)
	return hits, err
}

// dataPtr returns the address and length of text for the library, which takes 32-bit lengths.
func dataPtr(text []byte) (*C.char, C.uint, error) {
	if len(text) > math.MaxUint32 {
		return nil, 0, fmt.Errorf("hsmatch: text of %d bytes is longer than 4 GiB", len(text))
	}
	if len(text) == 0 {
		return nil, 0, nil
	}
	return (*C.char)(unsafe.Pointer(&text[0])), C.uint(len(text)), nil
}

// scanBlock runs a block-mode scan, collecting into k.
func scanBlock(d hsDB, text []byte, s hsScratch, k sink) error {
	p, n, err := dataPtr(text)
	if err != nil || n == 0 {
		return err
	}
	return hsError("scan", C.hsm_scan(d.p, p, n, s.p, k.p))
}
