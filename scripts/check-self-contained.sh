#!/usr/bin/env bash
# Fails when a tracked file refers to a path outside the repository: a clone must build, test
# and explain itself with nothing beside it. Looks for the neighbouring folder the project
# once read from, and for this workplace's absolute paths.
set -euo pipefail
cd "$(dirname "$0")/.."

# Written with escapes so that this script does not match itself.
patterns=('\.\./shared\b' '/work/[a-z]')
found=0
for pattern in "${patterns[@]}"; do
  if git grep -n -I -E "$pattern" -- . ; then
    found=1
  fi
done
if ((found)); then
  echo "The lines above refer to paths outside the repository; put what they need in the" >&2
  echo "repository (e.g. docs/, design/tests/data/) and refer to it there." >&2
  exit 1
fi
echo "no tracked file refers to a path outside the repository"
