# Makefile: the two commands of the README quick start, and their parts.
#   make demo   install what is missing, build, create a demo shop, serve it
#   make check  install what is missing, build (optimised and ASan+UBSan), run every test
JOBS ?= $(shell nproc)
DB ?= demo.db
DEMO_CUSTOMERS ?= 2000

.PHONY: all deps build build-asan test test-asan check demo bench clean format

all: build

deps:
	@scripts/deps.sh

build/release/Makefile:
	cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release >/dev/null

build/asan/Makefile:
	cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DECRM_SANITIZE=ON >/dev/null

build: build/release/Makefile
	cmake --build build/release -j $(JOBS)

build-asan: build/asan/Makefile
	cmake --build build/asan -j $(JOBS)

test: build
	cd build/release && ctest --output-on-failure -j $(JOBS)

test-asan: build-asan
	cd build/asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		ctest --output-on-failure -j $(JOBS)

check: deps
	$(MAKE) test
	$(MAKE) test-asan

demo: deps build
	rm -f $(DB) $(DB)-wal $(DB)-shm
	build/release/ecrm --db $(DB) init
	build/release/ecrm --db $(DB) demo --customers $(DEMO_CUSTOMERS)
	build/release/ecrm --db $(DB) stats

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build
