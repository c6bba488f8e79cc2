# oktsec build and test entry points. `make run` and `make test` are the two commands README.md
# promises work on a fresh machine with Go installed.

GO      ?= go
BIN     := bin/oktsec
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
FUZZTIME ?= 10s
# Streaming and backend equivalence get longer: their inputs have more ways to go wrong.
FUZZTIME_LONG ?= 30s
FUZZ_TARGETS := FuzzPrefilterEquivalence FuzzDSL FuzzJSONScan FuzzDecode FuzzBundleRead FuzzFrameChunking

# staticcheck, pinned: `make staticcheck` installs this version into $(go env GOPATH)/bin when
# that is not there already (2026.2.2; it supports the Go release in go.mod).
STATICCHECK_VERSION := v0.8.2
STATICCHECK := $(shell $(GO) env GOPATH 2>/dev/null | cut -d: -f1)/bin/staticcheck

# The Hyperscan (Vectorscan) backend, engine/hsmatch, needs cgo and the library (pkg-config name
# libhs; `make deps` installs it). When both are there, the binary is built with the build tag
# hyperscan and the tests run twice, without and with it; otherwise everything is pure Go.
HYPERSCAN := $(shell [ "$$($(GO) env CGO_ENABLED 2>/dev/null)" = 1 ] && pkg-config --exists libhs 2>/dev/null && echo yes)
ifeq ($(HYPERSCAN),yes)
BUILD_TAGS := -tags hyperscan
else
BUILD_TAGS :=
ifeq ($(MAKELEVEL),0)
$(info libhs not found (or cgo off): pure-Go build, without the Hyperscan backend; `make deps` installs it)
endif
endif

# Compiled Vectorscan databases are cached here between runs (see rules.Options.CacheDir): compiling the
# built-in set takes a minute or more, loading it from the cache milliseconds.
export OKTSEC_CACHE_DIR ?= $(CURDIR)/.cache

.PHONY: all build run test test-go test-hyperscan vet staticcheck fmt-check rules-check fuzz bench bench-gate deps clean

all: build

build:
	$(GO) build -buildvcs=auto $(BUILD_TAGS) -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/oktsec

# Scan the sample MCP tool call with the embedded rules. Findings make oktsec exit 1, which is
# the expected outcome here.
run: build
	@./$(BIN) scan examples/mcp-tools-call.json; status=$$?; \
	  if [ $$status -gt 1 ]; then exit $$status; fi

test: fmt-check vet staticcheck build rules-check bench-gate test-go test-hyperscan
	$(MAKE) fuzz

# The test suite on the pure-Go backend.
test-go:
	$(GO) test ./...

# The test suite again with the Hyperscan backend, when the library is there.
test-hyperscan:
ifeq ($(HYPERSCAN),yes)
	$(GO) test -tags hyperscan ./...
endif

# Install what the Hyperscan backend needs (Debian's Vectorscan), when it is missing and we
# may: as root with apt-get. Otherwise say what to install.
deps:
	@if pkg-config --exists libhs 2>/dev/null; then \
	  echo "libhs $$(pkg-config --modversion libhs) found: the Hyperscan backend is built"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  apt-get update && apt-get install -y --no-install-recommends libvectorscan-dev pkg-config g++; \
	else \
	  echo "for the Hyperscan backend install libvectorscan-dev, pkg-config and a C++ compiler"; \
	  echo "(Debian/Ubuntu: sudo apt-get install libvectorscan-dev pkg-config g++)"; \
	fi

# Run every fuzz target beyond its seed corpus (the seeds run in go test): FUZZTIME each, and
# FUZZTIME_LONG for chunking (streams equal whole scans) and, with the library, for backend
# equivalence and the Hyperscan translation's superset property.
fuzz:
	@for t in $(FUZZ_TARGETS); do \
	  echo "fuzz $$t for $(FUZZTIME)"; \
	  $(GO) test ./fuzz/ -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) || exit 1; \
	done
	@echo "fuzz FuzzChunking for $(FUZZTIME_LONG)"
	@$(GO) test ./fuzz/ -run '^$$' -fuzz '^FuzzChunking$$' -fuzztime $(FUZZTIME_LONG)
ifeq ($(HYPERSCAN),yes)
	@echo "fuzz FuzzBackends for $(FUZZTIME_LONG)"
	@$(GO) test -tags hyperscan ./fuzz/ -run '^$$' -fuzz '^FuzzBackends$$' -fuzztime $(FUZZTIME_LONG)
	@echo "fuzz FuzzSuperset for $(FUZZTIME_LONG)"
	@$(GO) test -tags hyperscan ./engine/hsmatch/ -run '^$$' -fuzz '^FuzzSuperset$$' -fuzztime $(FUZZTIME_LONG)
else
	@echo "fuzz FuzzSuperset for $(FUZZTIME) (translation only: no library)"
	@$(GO) test ./engine/hsmatch/ -run '^$$' -fuzz '^FuzzSuperset$$' -fuzztime $(FUZZTIME)
endif

vet:
	$(GO) vet ./...
ifeq ($(HYPERSCAN),yes)
	$(GO) vet -tags hyperscan ./...
endif

# staticcheck on both tag sets (the hyperscan one when the library is there). The pinned version
# is installed with go install when $(STATICCHECK) is missing or another version.
staticcheck:
	@if ! "$(STATICCHECK)" -version 2>/dev/null | grep -q "($(STATICCHECK_VERSION:v%=%))"; then \
	  echo "installing staticcheck $(STATICCHECK_VERSION) into $(dir $(STATICCHECK))"; \
	  GOBIN="$(dir $(STATICCHECK))" $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) || exit 1; \
	fi
	$(STATICCHECK) ./...
ifeq ($(HYPERSCAN),yes)
	$(STATICCHECK) -tags hyperscan ./...
endif

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "not gofmt-formatted:"; echo "$$out"; exit 1; fi

# Every embedded example passes and the built-in set compiles without a lint.
rules-check: build
	./$(BIN) rules compile --strict --lint-vectorscan
	./$(BIN) rules test

# Every benchmark suite in bench/, BENCH_COUNT runs each (BenchmarkProse/JSON/Message1KiB are
# the engine developers' quick check and are skipped: BenchmarkThroughput covers them), then
# bench/out/report.md and the chart bench/out/throughput.png (bench/cmd/report). The raw
# output stays in bench/out/bench.txt for benchstat. About 5 minutes on 2 cores.
BENCH_COUNT ?= 5
BENCH_TIME  ?= 1s
bench:
	@mkdir -p bench/out; load="$$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"; \
	  { $(GO) test $(BUILD_TAGS) -run '^$$' -bench . -skip '^Benchmark(Prose|JSON|Message1KiB)$$' -benchmem \
	      -count $(BENCH_COUNT) -benchtime $(BENCH_TIME) -timeout 60m ./bench/ 2>&1; \
	    echo $$? > bench/out/.status; } | tee bench/out/bench.txt; \
	  status=$$(cat bench/out/.status); rm -f bench/out/.status; \
	  if [ "$$status" != 0 ]; then exit $$status; fi; \
	  $(GO) run ./bench/cmd/report -in bench/out/bench.txt -floors bench/floors.json -out bench/out -load "$$load"

# The CI gate: a short run (about 1–2 minutes) of the ratios in bench/floors.json (engine
# speed-up over the naive baseline, measured in CPU time within the run); fails when one falls
# below its floor. Never compares absolute times.
bench-gate:
	OKTSEC_BENCH_GATE=1 $(GO) test -run '^TestBenchGate$$' -count=1 -v -timeout 15m ./bench/

clean:
	rm -rf bin
