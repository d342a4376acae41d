#!/usr/bin/env bash
# Every test: the design crate for WebAssembly, the unit and integration tests, and the
# browser tests against the front end built by cargo-leptos.
set -euo pipefail
export PATH="$HOME/.cargo/bin:$PATH"
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }

step "the repository refers to nothing outside it"
scripts/check-self-contained.sh

# The debug front end goes to its own directory: `target/site` holds the release one that
# `make run` serves, and a debug one there would make every page several times slower.
site="target/site-debug"
step "cargo leptos build --split into $site (front end and server; pages on demand as in release)"
LEPTOS_SITE_ROOT="$site" cargo leptos build --split

step "the design crate builds for wasm32-unknown-unknown"
cargo build -p design --target wasm32-unknown-unknown

step "cargo test --workspace (unit, integration and browser tests)"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
# The tests find the front end in $site themselves (set BULKHEAD_SITE to test another).
cargo test --workspace --no-fail-fast 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line for the whole run (cargo prints one per test binary, the last of which
# is often a doc-test binary with nothing in it).
awk '/^test result:/ { p += $4; f += $6 } END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
exit "$status"
