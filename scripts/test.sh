#!/usr/bin/env bash
# Every test: the design crate for WebAssembly, the unit and integration tests, and the
# browser tests against the front end built by cargo-leptos.
set -euo pipefail
export PATH="$HOME/.cargo/bin:$PATH"
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }

step "cargo leptos build (front end and server)"
cargo leptos build

step "the design crate builds for wasm32-unknown-unknown"
cargo build -p design --target wasm32-unknown-unknown

step "cargo test --workspace (unit, integration and browser tests)"
BULKHEAD_SITE="$PWD/target/site" cargo test --workspace --no-fail-fast
