#!/usr/bin/env bash
# Installs what building, running and testing Bulkhead needs on a Debian machine, skipping
# whatever is already there. `scripts/setup.sh` installs the test tools; `--release` adds
# wasm-opt for optimised release builds.
set -euo pipefail

release=0
[[ "${1:-}" == "--release" ]] && release=1

say() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

export PATH="$HOME/.cargo/bin:$PATH"
cd "$(dirname "$0")/.."

# Debian packages: the browser and its driver for the browser tests; busybox-static for the
# probe images; iptables and nftables to check generated firewall rules; conntrack, with which
# apply cuts the open connections a new firewall does not allow; iproute2 for the
# network namespace the egress test routes to; a Compose tool; python3 for the offline check
# of audit exports (scripts/verify-audit-export.py), which the tests run.
packages=(chromium chromium-driver busybox-static iptables nftables conntrack iproute2 python3)
if ! docker compose version >/dev/null 2>&1 && ! command -v docker-compose >/dev/null 2>&1; then
  packages+=(docker-compose)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  say "installing Debian packages: ${missing[*]}"
  SUDO=""; [[ $EUID -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# cargo-leptos without its run-time downloads (this machine reaches crates.io only). A debug
# build of the tool takes a third of the time of a release build and builds the site the same.
if [[ "$(cargo leptos --version 2>/dev/null || true)" != *"0.3.11"* ]]; then
  say "installing cargo-leptos 0.3.11 (about 8 minutes)"
  CARGO_PROFILE_DEV_DEBUG=0 cargo install --debug --locked --ignore-rust-version \
    cargo-leptos --version 0.3.11 --features no_downloads
fi

# wasm-bindgen-cli must equal the wasm-bindgen in Cargo.lock, or the build output is unusable.
wb=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [[ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $wb" ]]; then
  say "installing wasm-bindgen-cli $wb (about 5 minutes)"
  cargo install wasm-bindgen-cli --version "$wb"
fi

if ((release)); then
  # Debian's binaryen (108) silently breaks hydration: use binaryen 116 from crates.io.
  if [[ "$(command -v wasm-opt || true)" != "$HOME/.cargo/bin/wasm-opt" ]] \
     || [[ "$(wasm-opt --version 2>/dev/null || true)" != *"version 116"* ]]; then
    say "installing wasm-opt (binaryen 116; about 20 minutes, once)"
    cargo install wasm-opt --version 0.116.1 --locked
  fi
fi
say "tools ready"
