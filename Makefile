# The one command that builds and runs every test: `make test`.
.PHONY: test lint unit bench

test: lint unit

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --locked -- -D warnings

unit:
	cargo test --workspace --locked

# Benchmarks are not tests: they run on demand and their figures go into BENCHMARKS.md.
bench:
	cargo bench -p concord-patch --bench patch
	cargo bench -p concord-store --bench store
