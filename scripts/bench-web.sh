#!/usr/bin/env bash
# Web figures for the closing note: server RSS after start and after 1,000 requests, and the
# designs page's latency under 50 concurrent signed-in clients (wrk, 50 connections, each
# request carrying one of 50 sessions). Uses the release build: run `make run` once first
# (or `scripts/build-release.sh`). Traffic goes to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/bulkhead
[[ -x $bin ]] || { echo "build first: scripts/build-release.sh" >&2; exit 2; }
command -v wrk >/dev/null || { echo "install wrk: apt-get install wrk" >&2; exit 2; }
port=${PORT:-3900}
base="http://127.0.0.1:$port"
data=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$data" /tmp/bh-cookies.lua' EXIT

echo "bench-admin-password" | $bin user add bench --role admin --data "$data" >/dev/null
$bin serve --addr 127.0.0.1:$port --data "$data" --site target/site 2>/dev/null &
pid=$!
until curl -sf "$base/healthz" >/dev/null; do sleep 0.1; done
rss() { awk '/VmRSS/ { print $2 }' /proc/$pid/status; }
echo "RSS after start: $(rss) KiB"

login() {
  curl -s -o /dev/null -D - -X POST "$base/api/login" -H "Origin: $base" \
    --data "name=bench&password=bench-admin-password" | awk -F'[=;]' '/^set-cookie: bulkhead_session=/ { print $2 }'
}
first=$(login)
for n in 1 2 3 4 5 6 7 8 9 10; do
  curl -s -o /dev/null -X POST "$base/api/create_design" -H "Origin: $base" \
    -H "Cookie: bulkhead_session=$first" --data "name=design-$n&template=three-tier"
done
for _ in $(seq 1 1000); do
  curl -s -o /dev/null -H "Cookie: bulkhead_session=$first" "$base/designs"
done
echo "RSS after 1,000 requests: $(rss) KiB"

{
  echo "local cookies = {"
  for _ in $(seq 1 50); do echo "  \"$(login)\","; done
  echo "}"
  cat <<'LUA'
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/designs", { ["Cookie"] = "bulkhead_session=" .. cookies[(i % #cookies) + 1] })
end
LUA
} > /tmp/bh-cookies.lua
echo "designs page, 50 connections, 20 s:"
wrk -t2 -c50 -d20s --latency -s /tmp/bh-cookies.lua "$base/designs" | sed -n '/Latency Distribution/,/Requests\/sec/p'
echo "RSS after the load: $(rss) KiB"
