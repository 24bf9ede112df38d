# The two commands: `make run` (set up, build, start the GUI on the example workspace)
# and `make test` (set up, build, run every test through ctest, then the sanitized suites
# and short fuzz runs: see test-sanitize; SANITIZE=0 leaves those out). `make fuzz` runs
# the fuzz targets for long.
BUILD_DIR  ?= build
BUILD_TYPE ?= Release
JOBS       ?= $(shell nproc)
WORKSPACE  ?= data/examples/example.tcw
GENERATOR  := $(shell command -v ninja >/dev/null 2>&1 && echo Ninja || echo "Unix Makefiles")
# ccache hashes paths relative to the checkout, so clones in other folders share the cache.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := true

# The sanitized tree (cmake/TcwSanitize.cmake): clang, ASan + UBSan, libFuzzer coverage, no
# GUI widgets (tcw_models and its suites are in it). `make test` builds and runs it (CI too:
# docs/testing.md has its measured cost); SANITIZE=0 runs the normal tree alone.
SAN_BUILD_DIR ?= build-sanitize
SANITIZE      ?= 1
SAN_CXX       ?= clang++-14
# A ctest regex of suites left out of the sanitized run (they run in the normal tree).
# test_cli_mpi: its ranks exited 1 on LeakSanitizer reports from Open MPI's runtime (diagnosed
# 7 December 2026; suppressed by library in tests/sanitizer/lsan.supp, with the full unwinder
# for that suite): single mpirun searches now exit 0 there; empty this once the whole suite has
# passed in the sanitized tree.
SAN_EXCLUDE   ?= ^test_cli_mpi$$
# Executions per target for `make fuzz` (the long runs; run_fuzzers.sh --help).
FUZZ_RUNS ?= 1000000
FUZZ_TARGETS ?=

.PHONY: run test deps configure build bench format clean sanitize-configure sanitize-build test-sanitize fuzz

run: build
	@cmake/run-gui.sh $(BUILD_DIR)/app/gui/transcode-workbench $(wildcard $(WORKSPACE))

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)
ifeq ($(SANITIZE),1)
	$(MAKE) --no-print-directory test-sanitize
endif

deps:
	@cmake/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G "$(GENERATOR)" -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) > $(BUILD_DIR).configure.log 2>&1 \
	  || { cat $(BUILD_DIR).configure.log; exit 1; }

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

sanitize-configure: deps
	@cmake -S . -B $(SAN_BUILD_DIR) -G "$(GENERATOR)" -DCMAKE_CXX_COMPILER=$(SAN_CXX) \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" \
	  -DTCW_FUZZ=ON -DTCW_BUILD_GUI=OFF -DTCW_BUILD_BENCHMARKS=OFF > $(SAN_BUILD_DIR).configure.log 2>&1 \
	  || { cat $(SAN_BUILD_DIR).configure.log; exit 1; }

sanitize-build: sanitize-configure
	cmake --build $(SAN_BUILD_DIR) -j $(JOBS)

# The core, CLI and item-model suites under ASan + UBSan (any report fails the test), then
# each fuzz target for a short, fixed number of executions over its seeds (label "fuzz").
test-sanitize: sanitize-build
	cd $(SAN_BUILD_DIR) && ctest --output-on-failure -j $(JOBS) -LE fuzz $(if $(SAN_EXCLUDE),-E '$(SAN_EXCLUDE)')
	cd $(SAN_BUILD_DIR) && ctest --output-on-failure -j $(JOBS) -L fuzz

fuzz: sanitize-build
	cmake --build $(SAN_BUILD_DIR) --target fuzz_corpora
	tests/fuzz/run_fuzzers.sh --build $(SAN_BUILD_DIR) --runs $(FUZZ_RUNS) $(FUZZ_TARGETS)

bench: build
	@for b in $(BUILD_DIR)/tests/bench/bench_*; do [ -x "$$b" ] && "$$b"; done

format:
	find app core widgets tests -name '*.cpp' -o -name '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR) $(BUILD_DIR).configure.log $(SAN_BUILD_DIR) $(SAN_BUILD_DIR).configure.log
