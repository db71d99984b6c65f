# make serve   build the page and serve it on http://127.0.0.1:8000/
# make dist    build the page into dist/ and check its size budgets
# make test    every test (what CI runs)
#
# Set-up is scripts/setup.sh (installs only what is missing); the build is scripts/build.py,
# with its settings in wasm-pack.toml.

# Each step needs the one before it, so keep the order even under make -j.
.NOTPARALLEL:
.PHONY: serve dist test test-native test-wasm test-e2e bench setup-build setup-test

# cargo install puts wasm-pack and wasm-bindgen here; not every shell has it on PATH.
export PATH := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin:$(PATH)

serve: dist
	node scripts/serve.mjs

dist: setup-build
	python3 scripts/build.py

# Every kind of test, in order; add new ones here.
test: setup-test test-native test-wasm test-e2e

test-native:
	cargo test --all-targets

# The wasm API as JavaScript sees it (tests/wasm.rs), run under Node by wasm-bindgen-test.
test-wasm:
	CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
		cargo test --target wasm32-unknown-unknown --test wasm

# Browser tests (tests/e2e/*.test.mjs) against a fresh dist/.
E2E_TESTS := $(wildcard tests/e2e/*.test.mjs tests/e2e/*.test.js)
test-e2e: dist
ifeq ($(E2E_TESTS),)
	@echo "test-e2e: no tests in tests/e2e/ yet"
else
	node --test tests/e2e/
endif

# The performance budgets (BENCHMARKS.md); so far the size budgets, which fail the run when exceeded.
bench: setup-build
	python3 scripts/build.py --enforce-budgets

setup-build:
	scripts/setup.sh build

setup-test:
	scripts/setup.sh test
