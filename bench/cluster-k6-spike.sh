#!/usr/bin/env bash
# The k6 release-spike scenario (e2e/load/k6/gatehouse.js) through the local edge and through
# whatever serves the in-cluster edge address 10.97.0.2 (the release's edge Deployment, or the
# ingress-nginx controller stand-in after `scripts/k8s/in-cluster.sh ingress-nginx`), in one run:
# a fresh world on each side (e2e/load/setup.ts, and --cluster for the cluster's), then k6 local,
# cluster, local, cluster (cold cache, then warm), and the ratios cluster / local.
#   set -a; . .stack/env; set +a
#   flock /tmp/gatehouse-e2e.lock bash bench/cluster-k6-spike.sh [SUBSCRIBERS] [VUS] [CHUNK_KIB]
# k6: ${GATEHOUSE_TOOLS_DIR:-$HOME/.cache/gatehouse/bin}/k6 (go install go.k6.io/k6@v1.8.1).
# Exit 1 on a wrong grant or a malformed answer on either side (k6.sh's own check).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
subscribers="${1:-300}" vus="${2:-16}" chunk="${3:-256}"
out="$ROOT/.stack/load/k6-cluster"
mkdir -p "$out"
rm -f "$out"/*.json
node="$ROOT/node_modules/.bin/node"
world=(--subscribers "$subscribers" --revoked 20 --other-tenant 20 --episodes 1 --episode-kib 2048)

# The local services stay up (--hold) while k6 runs; setup prints the fixture line when ready.
"$node" e2e/load/setup.ts "${world[@]}" --out "$out/local-fixture.json" --hold >"$out/local-setup.log" 2>&1 &
hold=$!
trap 'kill "$hold" 2>/dev/null || true; wait "$hold" 2>/dev/null || true' EXIT
until grep -q '^fixture ' "$out/local-setup.log"; do
  kill -0 "$hold" 2>/dev/null || {
    cat "$out/local-setup.log" >&2
    exit 1
  }
  sleep 1
done
"$node" e2e/load/setup.ts --cluster "${world[@]}" --out "$out/cluster-fixture.json" >"$out/cluster-setup.log" 2>&1 ||
  {
    cat "$out/cluster-setup.log" >&2
    exit 1
  }
grep -h '^fixture ' "$out/local-setup.log" "$out/cluster-setup.log"

status=0
for round in cold warm; do
  # The warm round finds every slice cached: no origin request is expected then.
  if [[ $round == warm ]]; then export EXPECT_ORIGIN=0; fi
  bash e2e/load/k6.sh release-spike "$out/local-fixture.json" --vus "$vus" --chunk-kib "$chunk" \
    --json "$out/local-$round.json" || status=1
  # The cluster's MinIO has no audit log here: origin counts are reported unavailable.
  MINIO_AUDIT_LOG=/nonexistent/no-audit-log-in-the-cluster bash e2e/load/k6.sh release-spike \
    "$out/cluster-fixture.json" --vus "$vus" --chunk-kib "$chunk" --json "$out/cluster-$round.json" || status=1
done

"$node" -e '
  const fs = require("fs");
  const dir = process.argv[1];
  const read = (n) => JSON.parse(fs.readFileSync(`${dir}/${n}.json`, "utf8"));
  console.log("\n| run | requests | req/s | MiB/s | p50 / p99 ms | statuses | cache | wrong grants | errors |");
  console.log("|---|---:|---:|---:|---:|---|---|---:|---:|");
  for (const round of ["cold", "warm"])
    for (const side of ["local", "cluster"]) {
      const s = read(`${side}-${round}`);
      const ms = (v) => v.toFixed(2);
      console.log(`| ${side} ${round} (${s.edgeUrl}) | ${s.requests} | ${s.requestsPerSecond} | ${s.megabytesPerSecond} | ${ms(s.latencyMs.p50)} / ${ms(s.latencyMs.p99)} | ${JSON.stringify(s.statuses)} | ${JSON.stringify(s.cacheStatus)} | ${s.wrongGrants} | ${s.errors} |`);
    }
  for (const round of ["cold", "warm"]) {
    const c = read(`cluster-${round}`), l = read(`local-${round}`);
    const r = (a, b) => (a / b).toFixed(2);
    console.log(`ratio cluster / local, ${round}: req/s ${r(c.requestsPerSecond, l.requestsPerSecond)}, p50 ${r(c.latencyMs.p50, l.latencyMs.p50)}, p99 ${r(c.latencyMs.p99, l.latencyMs.p99)}`);
  }' "$out"
exit "$status"
