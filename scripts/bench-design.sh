#!/usr/bin/env bash
# Prints the engine benches' design: 20 zones (zone i is 10.77.i.0/24 on bridge bhb<i>) and
# 50 services of IMAGE, service j in zone j%20 and zone (7j+3)%20, at .10+j in each.
# Usage: scripts/bench-design.sh NAME IMAGE
set -euo pipefail
NAME=$1 IMAGE=$2
echo "bulkhead: 1"; echo "name: $NAME"; echo "zones:"
for i in $(seq 0 19); do echo "  z$i: { trust: internal, subnet: 10.77.$i.0/24, bridge: bhb$i }"; done
echo "services:"
for j in $(seq 0 49); do
  a=$((j % 20)); b=$(((7 * j + 3) % 20))
  if [ "$a" = "$b" ]; then b=$(((a + 1) % 20)); fi
  echo "  s$j: { image: $IMAGE, zones: { z$a: { ipv4: 10.77.$a.$((10 + j)) }, z$b: { ipv4: 10.77.$b.$((10 + j)) } } }"
done
