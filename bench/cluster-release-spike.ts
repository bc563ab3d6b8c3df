import { parseArgs } from 'node:util';
import { DEFAULT_RUN, runLoad } from '../e2e/load/load-runner.ts';
import { formatSummary, type LoadSummary } from '../e2e/load/load-stats.ts';
import { createLoadWorld } from '../e2e/load/load-world.ts';
import { startPlatform } from '../e2e/support/platform.ts';
import { useClusterStackEnv } from '../scripts/k8s/test/in-cluster-env.ts';

// The release spike (e2e/load, Node generator) through the in-cluster edge Service
// (scripts/k8s/in-cluster.sh; 10.97.0.2) against the same through the local stack's edge
// (127.0.0.1:58080), in one run: each side gets its own fresh world (tenant, plan, subscribers
// through billing's webhooks, one fresh episode: cold cache), then the spike runs local,
// cluster, local, cluster (cold, then warm), and the ratios cluster / local are printed.
// The local side starts the four services on the standard ports: run under the e2e lock.
//   set -a; source /work/main/.stack/env; set +a
//   flock /tmp/gatehouse-e2e.lock npx node bench/cluster-release-spike.ts \
//     [--subscribers 300] [--connections 16] [--chunk-kib 256] [--episode-kib 2048]
// After `in-cluster.sh ingress-nginx`, with GATEHOUSE_K8S_EDGE_MODE=ingress-nginx: the same
// through the ingress-nginx controller stand-in on that address.
// Exit 1 on a wrong grant or an unexpected answer on either side.

const { values } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '300' },
    connections: { type: 'string', default: '16' },
    'chunk-kib': { type: 'string', default: '256' },
    'episode-kib': { type: 'string', default: '2048' },
  },
});

const worldOptions = {
  subscribers: Number(values.subscribers),
  revoked: 20,
  otherTenant: 20,
  episodes: 1,
  episodeBytes: Number(values['episode-kib']) * 1024,
  projectorWaitMs: 20_000,
};
const localEnv = { ...process.env };
// What serves 10.97.0.2 in this run: the release's edge, or the ingress-nginx controller stand-in
// (scripts/k8s/in-cluster.sh ingress-nginx); set GATEHOUSE_K8S_EDGE_MODE=ingress-nginx to say so.
const CLUSTER_EDGE =
  process.env.GATEHOUSE_K8S_EDGE_MODE === 'ingress-nginx' ? 'ingress-nginx controller (stand-in)' : 'edge';

const platform = await startPlatform(['auth', 'media', 'billing', 'feeds']);
let failed = false;
try {
  const local = await createLoadWorld({ ...worldOptions, log: (l) => console.log(`local setup: ${l}`) });
  useClusterStackEnv();
  const cluster = await createLoadWorld({ ...worldOptions, log: (l) => console.log(`cluster setup: ${l}`) });
  Object.assign(process.env, localEnv);

  const spike = async (name: string, fixture: typeof local.fixture) => {
    const { stats } = await runLoad(fixture, {
      ...DEFAULT_RUN,
      scenario: 'release-spike',
      connections: Number(values.connections),
      chunkBytes: Number(values['chunk-kib']) * 1024,
      maxRequests: 10_000_000,
      durationMs: 600_000,
    });
    const summary = stats.summary();
    console.log(formatSummary(`${name} (${fixture.edgeUrl}, access via ${fixture.accessPath})`, summary));
    if (summary.wrongGrants > 0 || summary.errors > 0 || summary.malformed.length > 0) failed = true;
    return summary;
  };
  const runs: Record<string, LoadSummary> = {};
  for (const round of ['cold', 'warm']) {
    runs[`local ${round}`] = await spike(`local edge, ${round} cache`, local.fixture);
    runs[`cluster ${round}`] = await spike(`in-cluster ${CLUSTER_EDGE}, ${round} cache`, cluster.fixture);
  }
  const ratio = (a: number, b: number) => (b === 0 ? 'n/a' : (a / b).toFixed(2));
  console.log(
    '\n| run | requests | req/s | MiB/s | p50 / p99 ms | cache hit ratio | wrong grants | errors |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const [name, s] of Object.entries(runs))
    console.log(
      `| ${name} | ${s.requests} | ${s.requestsPerSecond} | ${s.megabytesPerSecond} | ${s.latencyMs.p50} / ${s.latencyMs.p99} | ${s.cacheHitRatio ?? 'n/a'} | ${s.wrongGrants} | ${s.errors} |`,
    );
  for (const round of ['cold', 'warm']) {
    const c = runs[`cluster ${round}`]!;
    const l = runs[`local ${round}`]!;
    console.log(
      `ratio cluster / local, ${round}: req/s ${ratio(c.requestsPerSecond, l.requestsPerSecond)}, p50 ${ratio(c.latencyMs.p50, l.latencyMs.p50)}, p99 ${ratio(c.latencyMs.p99, l.latencyMs.p99)}`,
    );
  }
} finally {
  await platform.stop();
}
process.exit(failed ? 1 : 0);
