#!/usr/bin/env bash
# Where apply's time goes on this engine, beside docker-compose: the bench design of
# scripts/bench-engine.sh (20 zones, 50 services, each in two zones) brought up from an empty
# engine by `bulkhead apply` and by `docker-compose up -d` of its Compose export, each under
# `perf record -e cpu-clock -a` (every CPU, every process). Prints, for each, the wall time,
# the CPU time the engine's processes used (everything but the client, perf and the idle
# task), the idle share, and the lower bound that engine CPU time sets on the wall time:
# engine CPU seconds / CPUs. When that bound for apply is above 0.6 × Compose's time, no
# client can meet the aim on this engine: both ask it for the same work.
# Usage: scripts/bench-engine-cpu.sh [path/to/bulkhead]   (root, Docker engine, linux-perf)
set -euo pipefail
BIN=$(realpath "${1:-${CARGO_TARGET_DIR:-target}/release/bulkhead}")
command -v perf >/dev/null || { echo "bench-engine-cpu: perf is missing (apt-get install linux-perf)" >&2; exit 2; }
command -v docker-compose >/dev/null || { echo "bench-engine-cpu: docker-compose is missing (apt-get install docker-compose)" >&2; exit 2; }
[ -x "$BIN" ] || { echo "bench-engine-cpu: no $BIN: build it with cargo build --release -p server" >&2; exit 2; }
docker image inspect bulkhead-test/busybox:1 >/dev/null 2>&1 || { echo "bench-engine-cpu: run scripts/bench-engine.sh once first: it builds the image" >&2; exit 2; }
WORK=$(mktemp -d)
NAME=bench50
CPUS=$(nproc)
cleanup() {
  docker ps -aq --filter "label=io.bulkhead.design=$NAME" | xargs -r docker rm -f >/dev/null
  docker network ls -q --filter "label=io.bulkhead.design=$NAME" | xargs -r docker network rm >/dev/null
}
trap 'cleanup; rm -rf "$WORK"' EXIT

# The design (20 zones, 50 services, each in two zones).
"$(dirname "$0")/bench-design.sh" "$NAME" bulkhead-test/busybox:1 > "$WORK/d.yaml"
"$BIN" export "$WORK/d.yaml" --format compose -o "$WORK/compose.yaml" >/dev/null

# measure LABEL CLIENT COMMAND...: wall ms, then the perf shares by command name; CLIENT is
# a regular expression of the client's thread names (a Tokio runtime names its workers).
measure() {
  local label=$1 client=$2; shift 2
  cleanup
  local t0 t1
  t0=$(date +%s%N)
  perf record -q -e cpu-clock -a -o "$WORK/$label.data" -- "$@" >/dev/null 2>&1
  t1=$(date +%s%N)
  local wall=$(( (t1 - t0) / 1000000 ))
  perf report -i "$WORK/$label.data" --sort comm --stdio 2>/dev/null |
    awk -v label="$label" -v client="$client" -v wall="$wall" -v cpus="$CPUS" '
      /^ +[0-9.]+%/ { share = $1; sub("%", "", share); share += 0; comm = $2
        if (comm == "swapper") idle += share; else if (comm ~ /^perf/) next; else if (comm ~ ("^(" client ")")) own += share; else engine += share
        if (NR < 40 && comm != "swapper" && comm !~ ("^(" client ")") && share >= 2) top = top sprintf(" %s %.0f%%", comm, share) }
      END {
        cpu = wall / 1000 * cpus * engine / 100
        printf "%-8s wall %6d ms  engine CPU %5.1f s  idle %2.0f%%  client %4.1f%%  bound %5.0f ms  (%s )\n",
          label, wall, cpu, idle, own, cpu / cpus * 1000, top }'
}

measure apply 'bulkhead|tokio-' "$BIN" apply "$WORK/d.yaml" --yes
measure compose docker-compose docker-compose -p "$NAME" -f "$WORK/compose.yaml" up -d
docker-compose -p "$NAME" -f "$WORK/compose.yaml" down >/dev/null 2>&1 || true
echo "engine: $(docker version -f '{{.Server.Version}}') API $(docker version -f '{{.Server.APIVersion}}'), $CPUS CPUs"
echo "(bound = the engine's CPU seconds spread over every CPU: no client brings the design up faster on this engine)"
