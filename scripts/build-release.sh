#!/usr/bin/env bash
# The release build: the server, and the front end split by page (`--split`: the admin pages
# are separate WebAssembly files the browser loads when they are shown), then every
# WebAssembly file optimised by wasm-opt in the order that makes it smallest.
#
# cargo-leptos runs wasm-opt itself, but takes its arguments as a set, in no fixed order, and
# the order matters here: merging functions that differ only in constants (the many
# instantiations of Leptos' generic code) before the size passes, rather than after, saves
# about 16 KB of the gzipped download. So Cargo.toml gives cargo-leptos only the feature flags
# (a plain copy) and this script runs the passes.
set -euo pipefail
export PATH="$HOME/.cargo/bin:$PATH"
cd "$(dirname "$0")/.."

command -v cargo-leptos >/dev/null && command -v wasm-opt >/dev/null || {
  echo "cargo-leptos or wasm-opt is missing: run scripts/setup.sh --release first" >&2
  exit 2
}
cargo leptos build --release --split
for wasm in target/site/pkg/*.wasm; do
  wasm-opt -O1 --duplicate-function-elimination --merge-similar-functions -Oz \
    --enable-bulk-memory --enable-nontrapping-float-to-int "$wasm" -o "$wasm"
done
# The build marks itself (app/src/front_end.rs); `bulkhead serve` reads the mark to say which
# front end it serves. A release build without it would be reported as unknown.
grep -q -a "bulkhead-front-end-build:release" target/site/pkg/bulkhead.wasm || {
  echo "target/site/pkg/bulkhead.wasm carries no release marker: the build did not come out as expected" >&2
  exit 1
}
