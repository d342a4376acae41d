#!/usr/bin/env bash
# Every test: the design crate for WebAssembly, the unit and integration tests, and the
# browser tests against the front end built by cargo-leptos.
set -euo pipefail
export PATH="$HOME/.cargo/bin:$PATH"
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }

step "cargo leptos build --split (front end and server; pages on demand as in release)"
cargo leptos build --split

step "the design crate builds for wasm32-unknown-unknown"
cargo build -p design --target wasm32-unknown-unknown

step "cargo test --workspace (unit, integration and browser tests)"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
BULKHEAD_SITE="$PWD/target/site" cargo test --workspace --no-fail-fast 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line for the whole run (cargo prints one per test binary, the last of which
# is often a doc-test binary with nothing in it).
awk '/^test result:/ { p += $4; f += $6 } END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
exit "$status"
