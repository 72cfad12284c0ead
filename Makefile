# A thin front for the CMake presets (CMakePresets.json).
#   make            build (release) and run the main job, parcompare --quick
#   make test       build and run the whole test suite (release)
#   make test-asan  the suite under AddressSanitizer + UBSan
#   make test-tsan  the suite under ThreadSanitizer (OpenMP/MPI tests excluded)
#   make test-cluster  the cluster tests (root: a 2-node Slurm cluster of
#                   namespaces on this machine; docs/cluster.md)
#   make deps       install missing Debian packages (apt-get; root or sudo)
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all run build deps test test-asan test-tsan test-cluster test-debug clean

all: run

deps:
	sh scripts/install-deps.sh

build-%:
	cmake --preset $* >/dev/null
	cmake --build --preset $* -j $(JOBS)

build: build-release

run:
	sh scripts/quickstart.sh

test: build-release
	ctest --preset release -j $(JOBS)

test-debug: build-debug
	ctest --preset debug -j $(JOBS)

test-asan: build-asan
	ctest --preset asan -j $(JOBS)

test-tsan: build-tsan
	ctest --preset tsan -j $(JOBS)

test-cluster: build-release
	ctest --preset cluster

clean:
	rm -rf build
