# Makefile: the two commands of the README quick start, and their parts.
#   make demo   install what is missing, build, create a demo shop, serve it
#   make check  install what is missing, build (optimised and ASan+UBSan), run every test
JOBS ?= $(shell nproc)
DB ?= demo.db
DEMO_CUSTOMERS ?= 2000
DEMO_LISTEN ?= 127.0.0.1:8080
DEMO_USER ?= admin@demo.example
DEMO_PASSWORD ?= demo-password-123

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

# A fresh demo shop, analysed, with an admin user, served until Ctrl-C.
demo: deps build
	rm -f $(DB) $(DB)-wal $(DB)-shm $(DB).key
	build/release/ecrm --db $(DB) init
	build/release/ecrm --db $(DB) demo --customers $(DEMO_CUSTOMERS)
	build/release/ecrm --db $(DB) --quiet analyze all >/dev/null
	printf '%s\n' '$(DEMO_PASSWORD)' | build/release/ecrm --db $(DB) user add $(DEMO_USER) --role admin
	@echo
	@echo "  Open http://$(DEMO_LISTEN)/ and sign in as $(DEMO_USER) / $(DEMO_PASSWORD)"
	@echo "  (Ctrl-C stops the server; the shop stays in $(DB))"
	@echo
	build/release/ecrm --db $(DB) serve --listen $(DEMO_LISTEN)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build
