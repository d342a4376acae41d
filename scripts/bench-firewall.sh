#!/usr/bin/env bash
# Firewall apply, side by side on this machine: the script `bulkhead export --format
# iptables-script` generates (one iptables-restore transaction) against the method common
# tutorials teach (one `iptables -C … || iptables -I …` call per rule), for the same rules.
#
# Usage (as root): scripts/bench-firewall.sh [PATH-TO-bulkhead] [FLOWS]
# Touches only its own chains (BH-bhbenchfw and BH-BENCH-TUT) and the one jump from
# DOCKER-USER the generated script adds; all are removed at the end, also on failure.
set -euo pipefail

BIN=${1:-${CARGO_TARGET_DIR:-target}/debug/bulkhead}
FLOWS=${2:-996}
TUT=BH-BENCH-TUT
WORK=$(mktemp -d)

cleanup() {
  [ -f "$WORK/firewall.sh" ] && bash "$WORK/firewall.sh" --remove >/dev/null 2>&1 || true
  if iptables -w -n -L "$TUT" >/dev/null 2>&1; then
    iptables -w -F "$TUT"
    iptables -w -X "$TUT"
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

[ "$(id -u)" -eq 0 ] || { echo "run as root" >&2; exit 1; }
[ -x "$BIN" ] || { echo "no bulkhead binary at $BIN; build it (cargo build -p server)" >&2; exit 1; }

# One isolated zone with 50 members and FLOWS allow flows between them, one port each:
# every flow is one ACCEPT rule, plus the established and isolation rules.
{
  echo "bulkhead: 1"
  echo "name: bhbenchfw"
  echo "zones:"
  echo "  bench: { trust: internal, isolated: true, subnet: 10.239.0.0/24 }"
  echo "services:"
  for s in $(seq 0 49); do echo "  s$s: { image: example/app:1, zones: [bench] }"; done
  echo "flows:"
  n=0
  for port in $(seq 1000 1100); do
    for a in $(seq 0 49); do
      [ "$n" -ge "$FLOWS" ] && break 2
      echo "  - { from: s$a, to: s$(( (a + 1 + port % 7) % 50 )), ports: [tcp/$port] }"
      n=$((n + 1))
    done
  done
} > "$WORK/design.yaml"

"$BIN" export "$WORK/design.yaml" --format iptables-script -o "$WORK/firewall.sh"
"$BIN" export "$WORK/design.yaml" --format iptables -o "$WORK/rules.txt"
RULES=$(grep -c '^-A ' "$WORK/rules.txt")
CHAIN=$(sed -n 's/^:\([^ ]*\) .*/\1/p' "$WORK/rules.txt")

now() { date +%s.%N; }

start=$(now)
bash "$WORK/firewall.sh" >/dev/null
end=$(now)
generated=$(echo "$end - $start" | bc)
[ "$(iptables -w -S "$CHAIN" | grep -c '^-A ')" -eq "$RULES" ]

# The tutorial way: one iptables process (or two) per rule, in a chain of its own.
iptables -w -N "$TUT"
grep '^-A ' "$WORK/rules.txt" | sed "s/^-A $CHAIN //" | tac > "$WORK/tutorial.txt"
start=$(now)
while IFS= read -r rule; do
  eval "set -- $rule"
  iptables -w -C "$TUT" "$@" 2>/dev/null || iptables -w -I "$TUT" "$@"
done < "$WORK/tutorial.txt"
end=$(now)
tutorial=$(echo "$end - $start" | bc)
[ "$(iptables -w -S "$TUT" | grep -c '^-A ')" -eq "$RULES" ]

printf 'rules: %s\n' "$RULES"
printf 'generated script (iptables-restore --noflush): %.3f s\n' "$generated"
printf 'iptables -C || iptables -I per rule:           %.3f s\n' "$tutorial"
printf 'ratio: %.1fx\n' "$(echo "$tutorial / $generated" | bc -l)"
