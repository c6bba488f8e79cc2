# oktsec build and test entry points. `make run` and `make test` are the two commands README.md
# promises work on a fresh machine with Go installed.

GO      ?= go
BIN     := bin/oktsec
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
FUZZTIME ?= 10s
FUZZ_TARGETS := FuzzPrefilterEquivalence FuzzChunking FuzzDSL

.PHONY: all build run test vet fmt-check rules-check fuzz bench clean

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/oktsec

# Scan the sample MCP tool call with the embedded rules. Findings make oktsec exit 1, which is
# the expected outcome here.
run: build
	@./$(BIN) scan examples/mcp-tools-call.json; status=$$?; \
	  if [ $$status -gt 1 ]; then exit $$status; fi

test: fmt-check vet build rules-check
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

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./bench/

clean:
	rm -rf bin
