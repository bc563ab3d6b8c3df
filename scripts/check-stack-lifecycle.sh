#!/usr/bin/env bash
# CI check of the stack's lifecycle: `up` twice (the second must reuse every part),
# `down`, then nothing of the stack may remain: no process, no listening port.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=lib/common.sh
source scripts/lib/common.sh
# shellcheck source=lib/parts.sh
source scripts/lib/parts.sh
resolve_pg_home

failures=0
check() {
  if "$@"; then return 0; fi
  failures=$((failures + 1))
}

first="$(mktemp)"
second="$(mktemp)"
trap 'rm -f "$first" "$second"' EXIT

echo "== lifecycle: up (1)"
bash scripts/stack.sh up | tee "$first"
echo "== lifecycle: up (2) must reuse everything"
bash scripts/stack.sh up | tee "$second"
for part in "${STACK_PARTS[@]}"; do
  state="$(awk -v p="$part" '$1 == p { print $2 }' "$second")"
  if [[ "$state" != reused ]]; then
    echo "lifecycle: FAIL second 'up' did not reuse $part (state: ${state:-missing})" >&2
    failures=$((failures + 1))
  fi
done
pids_before="$(stack_pids | tr '\n' ' ')"
echo "stack processes while up: $pids_before"
[[ -n "$pids_before" ]] || {
  echo "lifecycle: FAIL no stack process found while up" >&2
  failures=$((failures + 1))
}

echo "== lifecycle: down"
check bash scripts/stack.sh down

left="$(stack_pids | tr '\n' ' ')"
if [[ -n "$left" ]]; then
  echo "lifecycle: FAIL stack processes remain after down: $left" >&2
  failures=$((failures + 1))
fi
for pid in $pids_before; do
  if pid_alive "$pid"; then
    echo "lifecycle: FAIL pid $pid ($(proc_desc "$pid")) survived down" >&2
    failures=$((failures + 1))
  fi
done
for part in "${STACK_PARTS[@]}"; do
  for port in ${PART_PORTS[$part]}; do
    if port_listening "$port"; then
      echo "lifecycle: FAIL port $port ($part) still listening after down: $(port_pids "$port")" >&2
      failures=$((failures + 1))
    fi
  done
done

if ((failures > 0)); then
  echo "lifecycle: $failures problem(s)" >&2
  exit 1
fi
echo "lifecycle: OK (up, up reused every part, down left no process or port)"
