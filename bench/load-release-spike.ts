import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cpuSplit, sampleCpu } from '../e2e/load/cpu-split.ts';
import { createLoadWorld, writeFixture } from '../e2e/load/load-world.ts';
import { startPlatform } from '../e2e/support/platform.ts';

// The release spike at the highest load this machine makes (issue 7), on the local stack:
// fresh episode(s) (cold edge cache), N paying subscribers plus revoked and other-tenant ones,
// then the release-spike scenario by the Node generator (or k6) in a child process, with the CPU
// split between the load generator and the system from /proc. Run by hand:
//   set -a; source .stack/env; set +a
//   npx node bench/load-release-spike.ts [--subscribers 2000] [--revoked 100] [--other-tenant 100]
//     [--episode-kib 4096] [--chunk-kib 1024] [--connections 64] [--tool node|k6]
// Exit 1 on a wrong grant or when origin requests differ from the distinct slices read.

const ROOT = path.resolve(import.meta.dirname, '..');
const NODE = path.join(ROOT, 'node_modules', '.bin', 'node');
const { values } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '2000' },
    revoked: { type: 'string', default: '100' },
    'other-tenant': { type: 'string', default: '100' },
    'episode-kib': { type: 'string', default: '4096' },
    'chunk-kib': { type: 'string', default: '1024' },
    connections: { type: 'string', default: '64' },
    tool: { type: 'string', default: 'node' },
  },
});
if (values.tool !== 'node' && values.tool !== 'k6') throw new Error('--tool must be node or k6');

const platform = await startPlatform(['auth', 'media', 'billing', 'feeds']);
try {
  const setupStarted = Date.now();
  const world = await createLoadWorld({
    subscribers: Number(values.subscribers),
    revoked: Number(values.revoked),
    otherTenant: Number(values['other-tenant']),
    episodes: 1,
    episodeBytes: Number(values['episode-kib']) * 1024,
    projectorWaitMs: 10_000,
    log: (line) => console.log(`setup: ${line}`),
  });
  const fixtureFile = path.join(ROOT, '.stack', 'load', 'spike-fixture.json');
  const summaryFile = path.join(ROOT, '.stack', 'load', `spike-summary-${values.tool}.json`);
  writeFixture(fixtureFile, world.fixture);
  console.log(
    `setup: ${((Date.now() - setupStarted) / 1000).toFixed(1)} s, access via ${world.fixture.accessPath}`,
  );

  const args =
    values.tool === 'node'
      ? [
          NODE,
          path.join(ROOT, 'e2e/load/run.ts'),
          '--fixture',
          fixtureFile,
          '--scenario',
          'release-spike',
          '--connections',
          values.connections!,
          '--chunk-kib',
          values['chunk-kib']!,
          '--max-requests',
          '10000000',
          '--duration',
          '600',
          '--json',
          summaryFile,
          '--expect-cold-origin',
          '--max-errors',
          '0',
        ]
      : [
          'bash',
          path.join(ROOT, 'e2e/load/k6.sh'),
          'release-spike',
          fixtureFile,
          '--vus',
          values.connections!,
          '--chunk-kib',
          values['chunk-kib']!,
          '--json',
          summaryFile,
        ];
  const loadPids = new Set<number>();
  const before = sampleCpu();
  const started = Date.now();
  const child = spawn(args[0]!, args.slice(1), { cwd: ROOT, stdio: 'inherit', env: process.env });
  loadPids.add(child.pid!);
  // k6 runs as a grandchild of the wrapper: find it while it runs.
  // The load generator's processes are gone when it exits: keep their last /proc reading.
  const lastLoad = new Map<number, { role: string; ticks: number }>();
  const watch = setInterval(() => {
    for (const [pid, s] of sampleCpu()) {
      if (pid !== child.pid && !isDescendant(pid, child.pid!)) continue;
      loadPids.add(pid);
      lastLoad.set(pid, s);
    }
  }, 250);
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  clearInterval(watch);
  const wall = (Date.now() - started) / 1000;
  const after = sampleCpu(loadPids);
  for (const [pid, s] of lastLoad) if (!after.has(pid)) after.set(pid, s);
  const split = cpuSplit(before, after, loadPids);
  console.log(
    `\nCPU seconds over ${wall.toFixed(1)} s wall (2 cores = ${(2 * wall).toFixed(1)} CPU-s available):`,
  );
  console.log(JSON.stringify(split));
  const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
  console.log(
    `\n| ${values.tool} | ${world.fixture.subscribers.length} (${values.subscribers} paying, ${values.revoked} revoked, ${values['other-tenant']} other tenant) | ` +
      `${values.connections} | ${summary.requests} | ${summary.requestsPerSecond} | ${summary.megabytesPerSecond} | ` +
      `${summary.latencyMs.p50} / ${summary.latencyMs.p99} | ${summary.cacheHitRatio} | ${summary.origin?.requests} / ${summary.origin?.expected} | ${summary.wrongGrants} | ${summary.errors} |`,
  );
  process.exitCode = code;
} finally {
  await platform.stop();
}

function isDescendant(pid: number, ancestor: number): boolean {
  for (let p = pid, i = 0; p > 1 && i < 10; i++) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      p = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (p === ancestor) return true;
    } catch {
      return false;
    }
  }
  return false;
}
