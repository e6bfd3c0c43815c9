# `make run`: builds the web console and Concord, and starts it (on its embedded sandbox with
# demo data when no cluster is configured). `make test`: builds and runs every test.
.PHONY: run test lint web web-test unit e2e bench bench-web

# Where cargo builds (CI: ./target); the end-to-end tests run the debug binary from there.
CARGO_TARGET_DIR ?= target
CONCORD_BIN := $(abspath $(CARGO_TARGET_DIR))/debug/concord

run: web
	cargo run --release --locked -p concord -- serve

test: lint web web-test unit e2e

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --locked -- -D warnings

# The console, built into web/dist (embedded in the binary).
web: web/node_modules/.installed
	cd web && npm run build

web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $@

# Type checks and component tests of the console.
web-test: web/node_modules/.installed
	cd web && npx tsc --noEmit && npx vitest run

unit:
	cargo test --workspace --locked

# The console in Chromium (Debian's /usr/bin/chromium), two users against a real server.
e2e: web
	cargo build --locked -p concord
	cd web && CONCORD_BIN=$(CONCORD_BIN) npx playwright test

# Benchmarks are not tests: they run on demand and their figures go into BENCHMARKS.md.
bench:
	cargo bench -p concord-patch --bench patch
	cargo bench -p concord-store --bench store

bench-web: web
	cargo build --release --locked -p concord
	cd web && node bench/size.mjs
	cd web && CONCORD_BIN=$(abspath $(CARGO_TARGET_DIR))/release/concord npx playwright test -c bench/playwright.config.ts
