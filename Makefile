# make serve   build the page and serve it on http://127.0.0.1:8000/
# make dist    build the page into dist/ and check its size budgets
# make test    formatting, lints and every test (what CI runs)
#
# Set-up is scripts/setup.sh (installs only what is missing); the build is scripts/build.py,
# with its settings in wasm-pack.toml.

# Each step needs the one before it, so keep the order even under make -j.
.NOTPARALLEL:
.PHONY: serve dist test lint test-native test-wasm test-e2e bench fuzz setup-build setup-test

# cargo install puts wasm-pack and wasm-bindgen here; not every shell has it on PATH.
export PATH := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin:$(PATH)

serve: dist
	node scripts/serve.mjs

dist: setup-build
	python3 scripts/build.py

# Every kind of test, in order; add new ones here.
test: setup-test lint test-native test-wasm test-e2e

# Formatting (rustfmt.toml; the fuzz targets' crate too) and clippy's warnings, natively and for
# the wasm build (src/wasm.rs and its tests are compiled only there).
lint:
	cargo fmt --check
	cargo fmt --check --manifest-path fuzz/Cargo.toml
	cargo clippy --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --no-default-features --lib --test wasm -- -D warnings

test-native:
	cargo test --all-targets

# The wasm API as JavaScript sees it (tests/wasm.rs), run under Node by wasm-bindgen-test.
# Built as the page is, without the `toml` feature (wasm-pack.toml's cargo_args).
test-wasm:
	CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
		cargo test --target wasm32-unknown-unknown --no-default-features --test wasm

# Browser tests (tests/e2e/*.test.mjs) against a fresh dist/.
E2E_TESTS := $(wildcard tests/e2e/*.test.mjs tests/e2e/*.test.js)
test-e2e: dist
ifeq ($(E2E_TESTS),)
	@echo "test-e2e: no tests in tests/e2e/ yet"
else
	node --test tests/e2e/
endif

# The performance budgets (BENCHMARKS.md), each figure printed beside its budget; a run fails when
# a budget is missed. Native throughput (criterion, short runs), memory of streaming adjudication,
# the size budgets, then the page's.
# Benchmarks build the `estimate` binary too; with the release profile's panic = "abort" cargo
# would build the library twice (abort for the binary, unwind for the benchmark) under one file
# name, and the two builds clobber each other. Unwinding everywhere avoids that.
# The page's budgets (load, recalculation, memory) come last, from headless Chromium on the page
# just built; the size budgets are checked first but fail the run only at the end, so that every
# figure is printed.
BENCH := CARGO_PROFILE_RELEASE_PANIC=unwind cargo bench
bench: setup-test
	$(BENCH) --bench adjudicate -- --warm-up-time 1 --measurement-time 3
	$(BENCH) --bench memory
	python3 scripts/build.py --enforce-budgets; size=$$?; node scripts/bench-page.mjs && exit $$size

# Fuzzing (fuzz/, cargo-fuzz and libFuzzer): each target for FUZZ_SECONDS, from seeds copied out of
# policies/, tests/cases/ and examples/. cargo-fuzz needs nightly features; RUSTC_BOOTSTRAP=1 lets
# the stable toolchain give them. A crash stops the run; its input is left in fuzz/artifacts/.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := policy_file scenario_json $(if $(wildcard fuzz/fuzz_targets/fragment.rs),fragment)
fuzz:
	command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
	python3 fuzz/seed.py
	for target in $(FUZZ_TARGETS); do \
		RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir fuzz $$target fuzz/corpus/$$target -- \
			-max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 || exit 1; \
	done

setup-build:
	scripts/setup.sh build

setup-test:
	scripts/setup.sh test
