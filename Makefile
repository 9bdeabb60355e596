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

.PHONY: all build run test fmt-check vet unit strength check-generate generate clang bench bench-go bench-deps install clean

all: build

## build: compile every program into ./bin
build:
	$(GO) build $(BUILDFLAGS) -o $(BIN)/ ./cmd/...

## run: build the game and its bot, and start a match
run:
	$(GO) build $(BUILDFLAGS) -o $(BIN)/ ./cmd/roshambo ./cmd/roshambo-bot
	./$(BIN)/roshambo $(ARGS)

## test: everything CI checks (formatting, vet, committed eBPF objects, race-enabled tests incl. tmux and root tests, bot strength)
test: fmt-check vet check-generate unit strength

fmt-check:
	@out=$$(gofmt -l $(GOFILES)); if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

unit: build
	$(GO) test -race -count=1 -timeout 20m ./...

## strength: the bots' strength tests (tournaments against reference and sparring bots), without the race
## detector, which makes them some fifty times slower and skips them
strength:
	$(GO) test -count=1 -timeout 20m ./game/

# Packages with committed bpf2go output (C source beside it).
BPFPKGS  = ./bpf/... ./bench/breakdown/...
BPFDIRS  = bpf/ bench/breakdown/

## generate: install clang (apt) if needed and regenerate the bpf2go output (the spy, the benchmark's breakdown tracer)
generate: clang
	$(GO) generate $(BPFPKGS)

clang:
	@command -v clang >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang llvm libbpf-dev >/dev/null; \
	  else echo "make: clang is missing; run 'sudo make clang' (apt-get install clang llvm libbpf-dev)"; exit 1; fi; }

## check-generate: regenerate the eBPF objects and fail if they differ from the committed ones
check-generate:
	@if command -v clang >/dev/null 2>&1 || [ "$$(id -u)" = 0 ]; then \
	  $(MAKE) --no-print-directory generate && git diff --exit-code --stat -- $(BPFDIRS) \
	  || { echo "check-generate: committed bpf2go output does not match its C source (run make generate and commit)"; exit 1; }; \
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
