import { parseArgs } from 'node:util';
import { useClusterStackEnv } from '../../scripts/k8s/test/in-cluster-env.ts';
import { type ServiceName, startPlatform } from '../support/platform.ts';
import { createLoadWorld, writeFixture } from './load-world.ts';

// Creates N subscribers and fresh episodes on the LOCAL stack through the real platform and
// writes the load fixture (tokens + episode paths) for run.ts / k6:
//   npx node e2e/load/setup.ts [--subscribers 1000] [--revoked 50] [--other-tenant 50]
//     [--episodes 1] [--episode-kib 4096] [--out .stack/load/fixture.json] [--hold]
// Services not already running are started (e2e/support/platform.ts) and, unless --hold keeps
// them until Ctrl-C, stopped again when setup ends — run.ts then needs them running.
// Needs the stack env (`set -a; source .stack/env; set +a`). With --cluster the world is made in
// the one-node cluster's release instead (scripts/k8s/in-cluster.sh; its pinned Service
// addresses, no local service started) and the fixture names the in-cluster edge, 10.97.0.2.

const { values } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '1000' },
    revoked: { type: 'string', default: '50' },
    'other-tenant': { type: 'string', default: '50' },
    episodes: { type: 'string', default: '1' },
    'episode-kib': { type: 'string', default: '4096' },
    out: { type: 'string', default: '.stack/load/fixture.json' },
    'projector-wait': { type: 'string', default: '10' },
    hold: { type: 'boolean', default: false },
    cluster: { type: 'boolean', default: false },
  },
});
const count = (name: string, raw: string | undefined, min = 0) => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    console.error(`setup.ts: --${name} must be an integer ≥ ${min} (got ${raw})`);
    process.exit(2);
  }
  return n;
};

const services: ServiceName[] = values.cluster ? [] : ['auth', 'media', 'billing', 'feeds'];
if (values.cluster) useClusterStackEnv();
const platform = await startPlatform(services);
console.log(`services started by setup: ${platform.started.join(', ') || '(all reused)'}`);
try {
  const started = Date.now();
  const world = await createLoadWorld({
    subscribers: count('subscribers', values.subscribers, 1),
    revoked: count('revoked', values.revoked),
    otherTenant: count('other-tenant', values['other-tenant']),
    episodes: count('episodes', values.episodes, 1),
    episodeBytes: count('episode-kib', values['episode-kib'], 4) * 1024,
    projectorWaitMs: count('projector-wait', values['projector-wait']) * 1000,
    log: (line) => console.log(`setup: ${line}`),
  });
  writeFixture(values.out!, world.fixture);
  console.log(
    `fixture ${values.out}: ${world.fixture.subscribers.length} subscribers, ${world.fixture.episodes.length} episode(s), access via ${world.fixture.accessPath}, ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  if (values.hold && platform.started.length > 0) {
    console.log('holding the started services; Ctrl-C to stop them');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
  }
} finally {
  await platform.stop();
}
