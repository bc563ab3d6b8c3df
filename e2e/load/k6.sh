#!/usr/bin/env bash
# Runs a k6 scenario (e2e/load/k6/gatehouse.js) against the edge of a load fixture and adds the
# origin requests from MinIO's audit log (local stack) to its summary.
#   e2e/load/k6.sh release-spike|feed-poll|mixed FIXTURE [--vus N] [--rounds N] [--duration 60s]
#                  [--chunk-kib K] [--edge URL] [--json SUMMARY]
# k6 comes from ${GATEHOUSE_TOOLS_DIR:-$HOME/.cache/gatehouse/bin}/k6 (go install go.k6.io/k6@v1.8.1).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
K6="${K6_BIN:-${GATEHOUSE_TOOLS_DIR:-$HOME/.cache/gatehouse/bin}/k6}"
scenario="${1:?scenario}"; fixture="$(realpath "${2:?fixture}")"; shift 2
vus=32 rounds=1 duration=60s chunk=1024 edge="" summary="$ROOT/.stack/load/k6-summary.json"
while (($#)); do
  case "$1" in
    --vus) vus="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --chunk-kib) chunk="$2"; shift 2 ;;
    --edge) edge="$2"; shift 2 ;;
    --json) summary="$2"; shift 2 ;;
    *) echo "k6.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
if [[ ! -x "$K6" ]]; then
  echo "k6.sh: no k6 at $K6; build it: GOBIN=\$HOME/.cache/gatehouse/bin go install go.k6.io/k6@v1.8.1 (or use e2e/load/run.ts)" >&2
  exit 3
fi
mkdir -p "$(dirname "$summary")"
since="$(date +%s%3N)"
"$K6" run --quiet --no-usage-report \
  -e FIXTURE="$fixture" -e SCENARIO="$scenario" -e VUS="$vus" -e ROUNDS="$rounds" \
  -e DURATION="$duration" -e CHUNK_KIB="$chunk" -e EDGE="$edge" -e SUMMARY="$summary" \
  "$ROOT/e2e/load/k6/gatehouse.js"
exec "$ROOT/node_modules/.bin/node" "$ROOT/e2e/load/origin-cli.ts" "$fixture" "$summary" "$since"
