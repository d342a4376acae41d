#!/usr/bin/env bash
# Engine figures for server/BENCHMARKS.md, side by side in one run on this machine:
#  1. apply of a 20-zone, 50-service design to an empty engine, by `bulkhead apply` and by
#     a sequential shell script of `docker network create` / `docker run` /
#     `docker network connect` generated from the same design;
#     and by `docker-compose up -d` of Bulkhead's own Compose export of it;
#  2. re-apply of the unchanged design (the whole command: start, connect, plan, nothing);
#  3. verify of three-tier (local images, firewall installed).
# Usage: scripts/bench-engine.sh [path/to/bulkhead]   (root, Docker engine, busybox-static)
set -euo pipefail
BIN=${1:-${CARGO_TARGET_DIR:-target}/release/bulkhead}
command -v docker-compose >/dev/null || { echo "bench-engine: docker-compose is missing (apt-get install docker-compose): it is what apply is measured against" >&2; exit 2; }
[ -x "$BIN" ] || { echo "bench-engine: no $BIN: build it with cargo build --release -p server" >&2; exit 2; }
IMAGE=bulkhead-test/busybox:1
WORK=$(mktemp -d)
NAME=bench50
trap 'cleanup; rm -rf "$WORK"' EXIT

cleanup() {
  docker ps -aq --filter "label=io.bulkhead.design=$NAME" | xargs -r docker rm -f >/dev/null
  docker ps -aq --filter "label=io.bulkhead.design=bench3" | xargs -r docker rm -f >/dev/null
  docker network ls -q --filter "label=io.bulkhead.design=$NAME" | xargs -r docker network rm >/dev/null
  docker network ls -q --filter "label=io.bulkhead.design=bench3" | xargs -r docker network rm >/dev/null
  [ -f "$WORK/three.yaml" ] && "$BIN" destroy "$WORK/three.yaml" --yes >/dev/null 2>&1 || true
}

now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }

if ! docker image inspect "$IMAGE" >/dev/null 2>&1; then
  mkdir -p "$WORK/img/rootfs/bin" "$WORK/img/rootfs/www" "$WORK/img/rootfs/tmp"
  cp /bin/busybox "$WORK/img/rootfs/bin/busybox"
  for a in sh nc ping wget httpd sleep true cat ls; do ln -s busybox "$WORK/img/rootfs/bin/$a"; done
  printf 'FROM scratch\nCOPY rootfs/ /\nCMD ["/bin/sleep", "2147483647"]\n' > "$WORK/img/Dockerfile"
  docker build -q -t "$IMAGE" "$WORK/img" >/dev/null
fi

# The design (20 zones, 50 services, each in two zones).
"$(dirname "$0")/bench-design.sh" "$NAME" "$IMAGE" > "$WORK/d.yaml"

# The same design as a sequential docker CLI script.
{
  echo "set -e"
  for i in $(seq 0 19); do
    echo "docker network create --subnet 10.77.$i.0/24 --gateway 10.77.$i.1 -o com.docker.network.bridge.name=bhb$i --label io.bulkhead.design=$NAME --label io.bulkhead.zone=z$i ${NAME}_z$i >/dev/null"
  done
  for j in $(seq 0 49); do
    a=$((j % 20)); b=$(((7 * j + 3) % 20))
    if [ "$a" = "$b" ]; then b=$(((a + 1) % 20)); fi
    echo "docker run -d --name $NAME-s$j-1 --label io.bulkhead.design=$NAME --network ${NAME}_z$a --ip 10.77.$a.$((10 + j)) --network-alias s$j $IMAGE >/dev/null"
    echo "docker network connect --ip 10.77.$b.$((10 + j)) --alias s$j ${NAME}_z$b $NAME-s$j-1"
  done
} > "$WORK/docker.sh"

cleanup
t0=$(now); bash "$WORK/docker.sh"; t1=$(now)
SHELL_MS=$(ms "$t0" "$t1")
cleanup

# The tool users would otherwise run: docker-compose up -d of Bulkhead's own Compose export.
"$BIN" export "$WORK/d.yaml" --format compose -o "$WORK/compose.yaml" >/dev/null
t0=$(now); docker-compose -p "$NAME" -f "$WORK/compose.yaml" up -d >"$WORK/compose.log" 2>&1; t1=$(now)
COMPOSE_MS=$(ms "$t0" "$t1")
docker-compose -p "$NAME" -f "$WORK/compose.yaml" down >/dev/null 2>&1 || true
cleanup

t0=$(now); "$BIN" apply "$WORK/d.yaml" --yes >/dev/null 2>&1; t1=$(now)
APPLY_MS=$(ms "$t0" "$t1")
t0=$(now); "$BIN" apply "$WORK/d.yaml" --yes >"$WORK/reapply.txt" 2>&1; t1=$(now)
REAPPLY_MS=$(ms "$t0" "$t1")
grep -q "nothing to change" "$WORK/reapply.txt"
cleanup

# three-tier with local images.
sed -e "s/^name: three-tier/name: bench3/" \
    -e "s#image: [a-z0-9:./-]*#image: $IMAGE#" \
    -e "s#image: [a-z-]*, #image: $IMAGE, #" \
    -e 's#"443:443"#"127.0.0.1:18499:443"#' \
    "$(dirname "$0")/../design/templates/three-tier.yaml" > "$WORK/three.yaml"
"$BIN" apply "$WORK/three.yaml" --yes >/dev/null 2>&1
t0=$(now); "$BIN" verify "$WORK/three.yaml" >"$WORK/verify.txt" 2>&1 || true; t1=$(now)
VERIFY_MS=$(ms "$t0" "$t1")
CHECKS=$(grep -o '([0-9]* checks' "$WORK/verify.txt" | tr -dc 0-9)

echo "engine: $(docker version -f '{{.Server.Version}}') API $(docker version -f '{{.Server.APIVersion}}'), $(nproc) CPUs"
echo "apply 20 zones / 50 services, empty engine:  bulkhead apply ${APPLY_MS} ms   docker CLI script ${SHELL_MS} ms   ratio $(awk "BEGIN{printf \"%.2f\", $APPLY_MS/$SHELL_MS}")"
echo "                                             docker-compose up -d ${COMPOSE_MS} ms   ratio $(awk "BEGIN{printf \"%.2f\", $APPLY_MS/$COMPOSE_MS}")"
echo "re-apply unchanged (whole command):          ${REAPPLY_MS} ms"
echo "verify three-tier (${CHECKS} checks, whole command): ${VERIFY_MS} ms"
