# oktsec build and test entry points. `make run` and `make test` are the two commands README.md
# promises work on a fresh machine with Go installed.

GO      ?= go
BIN     := bin/oktsec
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
FUZZTIME ?= 10s
FUZZ_TARGETS := FuzzPrefilterEquivalence FuzzChunking FuzzDSL

.PHONY: all build run test vet fmt-check rules-check fuzz bench bench-gate clean

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/oktsec

# Scan the sample MCP tool call with the embedded rules. Findings make oktsec exit 1, which is
# the expected outcome here.
run: build
	@./$(BIN) scan examples/mcp-tools-call.json; status=$$?; \
	  if [ $$status -gt 1 ]; then exit $$status; fi

test: fmt-check vet build rules-check bench-gate
	$(GO) test ./...
	$(MAKE) fuzz

# Run every fuzz target for FUZZTIME beyond its seed corpus (the seeds run in go test).
fuzz:
	@for t in $(FUZZ_TARGETS); do \
	  echo "fuzz $$t for $(FUZZTIME)"; \
	  $(GO) test ./fuzz/ -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) || exit 1; \
	done

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "not gofmt-formatted:"; echo "$$out"; exit 1; fi

# Every embedded example passes and the built-in set compiles without a lint.
rules-check: build
	./$(BIN) rules compile --strict
	./$(BIN) rules test

# Every benchmark suite in bench/, BENCH_COUNT runs each (BenchmarkProse/JSON/Message1KiB are
# the engine developers' quick check and are skipped: BenchmarkThroughput covers them), then
# bench/out/report.md and the chart bench/out/throughput.png (bench/cmd/report). The raw
# output stays in bench/out/bench.txt for benchstat. About 5 minutes on 2 cores.
BENCH_COUNT ?= 5
BENCH_TIME  ?= 1s
bench:
	@mkdir -p bench/out; load="$$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"; \
	  { $(GO) test -run '^$$' -bench . -skip '^Benchmark(Prose|JSON|Message1KiB)$$' -benchmem \
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
