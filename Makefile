# roshambo: see README.md. Every target works on a fresh Debian machine with Go installed;
# targets that need system packages install them with apt (as root) or say what is missing.

GO      ?= go
BIN     ?= bin
GOFILES  = $(shell git ls-files '*.go' 2>/dev/null)
# Extra flags for the game started by `make run` (e.g. make run ARGS="--bot markov --rounds 5").
ARGS    ?=
# --version reports the VCS revision when the build can see it (some
# environments set GOFLAGS=-buildvcs=false).
BUILDFLAGS ?= -buildvcs=auto

.PHONY: all build run test fmt-check vet cross unit strength check-generate generate clang bench bench-go bench-deps install clean

all: build

## build: compile every program into ./bin
build:
	$(GO) build $(BUILDFLAGS) -o $(BIN)/ ./cmd/...

## run: build the game and its bot, and start a match
run:
	$(GO) build $(BUILDFLAGS) -o $(BIN)/ ./cmd/roshambo ./cmd/roshambo-bot
	./$(BIN)/roshambo $(ARGS)

## test: everything CI checks (formatting, vet, cross-builds, committed eBPF objects, race-enabled tests incl. tmux and root tests, bot strength)
test: fmt-check vet cross check-generate unit strength

fmt-check:
	@out=$$(gofmt -l $(GOFILES)); if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

# The platforms that must build and vet besides this one (linux/amd64 is
# CI's own: vet covers it). On linux/arm64 everything works, the spy and the
# breakdown tracer included (their arm64 eBPF objects are committed); on
# darwin the Linux-only parts build as stubs that say so.
CROSS ?= linux/arm64 darwin/arm64

## cross: build and vet every package for the other platforms (CROSS)
cross:
	@for p in $(CROSS); do \
	  echo "cross: GOOS=$${p%/*} GOARCH=$${p#*/} go build ./... && go vet ./..."; \
	  GOOS=$${p%/*} GOARCH=$${p#*/} $(GO) build ./... && GOOS=$${p%/*} GOARCH=$${p#*/} $(GO) vet ./... || exit 1; \
	done

unit: build
	$(GO) test -race -count=1 -timeout 20m ./...

## strength: the bots' strength tests (tournaments against reference and sparring bots), without the race
## detector, which makes them some fifty times slower and skips them
strength:
	$(GO) test -count=1 -timeout 20m ./game/

# Packages with committed bpf2go output (C source beside it), one object per
# target (amd64 and arm64: see the go:generate lines). The committed objects
# are what Debian 12's clang 14 produces, byte for byte; another clang
# version may compile the same C to other bytes.
BPFPKGS  = ./bpf/... ./bench/breakdown/...
BPFDIRS  = bpf/ bench/breakdown/

## generate: install clang (apt) if needed and regenerate the bpf2go output (the spy, the benchmark's breakdown tracer)
generate: clang
	$(GO) generate $(BPFPKGS)

clang:
	@command -v clang >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang llvm libbpf-dev >/dev/null; \
	  else echo "make: clang is missing; run 'sudo make clang' (apt-get install clang llvm libbpf-dev)"; exit 1; fi; }

## check-generate: regenerate every eBPF object (each target) and fail if one differs from the committed one or is not committed
check-generate:
	@if command -v clang >/dev/null 2>&1 || [ "$$(id -u)" = 0 ]; then \
	  $(MAKE) --no-print-directory generate && git diff --exit-code --stat -- $(BPFDIRS) \
	  && { new=$$(git ls-files --others --exclude-standard -- $(BPFDIRS)); [ -z "$$new" ] || { echo "not committed: $$new"; false; }; } \
	  || { echo "check-generate: committed bpf2go output does not match its C source (run make generate and commit;" \
	       "the committed objects come from Debian 12's clang 14, this is $$(clang --version | head -1))"; exit 1; }; \
	else echo "check-generate: SKIPPED: clang is not installed and apt needs root (run 'sudo make clang')"; fi

## bench: Go micro-benchmarks and the side-by-side benchmarks (root needed for the spy and breakdown parts)
bench: build bench-go
	./$(BIN)/roshambo-bench capture
	./$(BIN)/roshambo-bench spy

bench-go:
	$(GO) test -run '^$$' -bench . -benchmem -count=1 ./...

## bench-deps: the peers that roshambo-bench spy compares against
bench-deps:
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq strace bpftrace

## install: install the programs into $GOBIN (or $GOPATH/bin)
install:
	$(GO) install $(BUILDFLAGS) ./cmd/...

clean:
	rm -rf $(BIN)
