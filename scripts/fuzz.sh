#!/usr/bin/env bash
# Fuzzes the design crate's readers and analysis with cargo-fuzz (libFuzzer, nightly):
# `parse_document` (any text as a design, then validated, linted and analysed),
# `import_compose` (any text as a Compose file) and `diff` (two designs compared). Each runs
# MINUTES minutes (default 10) from the seeds in design/fuzz/seeds, with a 10 s limit per
# input and 1 GiB of memory; a crash, a timeout or a memory blow-up stops it and leaves the
# input in design/fuzz/artifacts. Installs nightly and cargo-fuzz when missing.
#   scripts/fuzz.sh [MINUTES] [TARGET...]
set -euo pipefail
export PATH="$HOME/.cargo/bin:$PATH"
cd "$(dirname "$0")/../design/fuzz"

minutes=${1:-10}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(parse_document import_compose diff)

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz

for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  cp -n seeds/"$t"/* "corpus/$t/" 2>/dev/null || true
  echo "==> $t for $minutes minute(s)"
  cargo +nightly fuzz run "$t" "corpus/$t" -- \
    -max_total_time=$((minutes * 60)) -timeout=10 -rss_limit_mb=1024 -max_len=65536 \
    -print_final_stats=1
  echo "$t: corpus of $(find "corpus/$t" -type f | wc -l) inputs, no crash"
done
