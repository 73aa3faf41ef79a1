# Thin wrapper over CMake presets. `make serve` and `make test` are the two commands in README.
.PHONY: deps build build-asan serve test test-asan bench clean
JOBS ?= $(shell nproc)

deps:
	@bash scripts/install-deps.sh

build: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

build-asan: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)

serve: build
	@mkdir -p var
	./build/vigil serve --listen 127.0.0.1:8080 --db var/vigil.db --model models/url

test: build
	@ctest --preset release -j $(JOBS)

test-asan: build-asan
	@ctest --preset asan -j $(JOBS)

bench: build
	@bash bench/run.sh

clean:
	rm -rf build build-asan
