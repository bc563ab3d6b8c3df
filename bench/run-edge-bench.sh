#!/usr/bin/env bash
# Edge benchmark (issue 3): edge vs static nginx (1 MiB) and edge vs secure_link (tiny ranges),
# plus the same two through the x-accel front door (EDGE_XACCEL_URL, 58082: auth on every request,
# same media cache) to show what the decision cache buys. Targets stay on the default door.
# Needs the local stack (npm run up) and wrk (apt-get install wrk). Writes BENCHMARKS.md.
#   BENCH_ROUNDS=3 BENCH_DURATION=5s BENCH_CONNECTIONS=32 bash bench/run-edge-bench.sh
# (the six scenarios run in interleaved rounds; each is reported by its median round)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command -v wrk >/dev/null || { echo "run-edge-bench: wrk not found (apt-get install wrk)" >&2; exit 1; }
[[ -f "$root/.stack/env" ]] || { echo "run-edge-bench: no .stack/env; start the stack with npm run up" >&2; exit 1; }
set -a
# shellcheck disable=SC1091
source "$root/.stack/env"
set +a
cd "$root"
exec "$root/node_modules/.bin/node" bench/edge-bench.ts
