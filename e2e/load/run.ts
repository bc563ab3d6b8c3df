import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readFixture } from './load-fixture.ts';
import { DEFAULT_RUN, runLoad, type ScenarioName } from './load-runner.ts';
import { formatSummary } from './load-stats.ts';
import { originReport } from './origin-report.ts';

// The Node load generator (same scenarios as e2e/load/k6/*.js), for any Gatehouse edge:
//   npx node e2e/load/run.ts --fixture .stack/load/fixture.json --scenario release-spike \
//     [--edge URL] [--connections 32] [--max-requests 20000] [--duration 60] [--rounds 1]
//     [--chunk-kib 1024] [--spike-share 0.2] [--episode 0] [--json out.json]
// Exit code 1 when a deny-expected request was granted, a response was malformed, more than
// --max-errors answers were unexpected, or (with --expect-cold-origin) origin requests differ
// from the distinct slices read.

const USAGE = 'see the header of e2e/load/run.ts';
const { values } = parseArgs({
  options: {
    fixture: { type: 'string', default: process.env.LOAD_FIXTURE ?? '.stack/load/fixture.json' },
    scenario: { type: 'string', default: 'release-spike' },
    edge: { type: 'string' },
    connections: { type: 'string', default: String(DEFAULT_RUN.connections) },
    'max-requests': { type: 'string', default: String(DEFAULT_RUN.maxRequests) },
    duration: { type: 'string', default: String(DEFAULT_RUN.durationMs / 1000) },
    rounds: { type: 'string', default: String(DEFAULT_RUN.rounds) },
    'chunk-kib': { type: 'string', default: String(DEFAULT_RUN.chunkBytes / 1024) },
    'spike-share': { type: 'string', default: String(DEFAULT_RUN.spikeShare) },
    episode: { type: 'string', default: String(DEFAULT_RUN.episodeIndex) },
    json: { type: 'string' },
    'expect-cold-origin': { type: 'boolean', default: false },
    'max-errors': { type: 'string' },
  },
});

function positive(name: string, raw: string | undefined, integer = true): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    console.error(
      `run.ts: --${name} must be a positive ${integer ? 'integer' : 'number'} (got ${raw}); ${USAGE}`,
    );
    process.exit(2);
  }
  return n;
}

const scenario = values.scenario as ScenarioName;
if (!['release-spike', 'feed-poll', 'mixed'].includes(scenario)) {
  console.error(`run.ts: --scenario must be release-spike, feed-poll or mixed (got ${scenario})`);
  process.exit(2);
}
const fixture = readFixture(values.fixture!);
if (values.edge) fixture.edgeUrl = values.edge.replace(/\/$/, '');
const spikeShare = Number(values['spike-share']);
if (!(spikeShare >= 0 && spikeShare <= 1)) {
  console.error('run.ts: --spike-share must be within 0..1');
  process.exit(2);
}

const cpuBefore = process.cpuUsage();
const since = Date.now();
const { stats, touchedSlices } = await runLoad(fixture, {
  ...DEFAULT_RUN,
  scenario,
  connections: positive('connections', values.connections),
  maxRequests: positive('max-requests', values['max-requests']),
  durationMs: positive('duration', values.duration, false) * 1000,
  rounds: positive('rounds', values.rounds),
  chunkBytes: positive('chunk-kib', values['chunk-kib']) * 1024,
  spikeShare,
  episodeIndex: Number(values.episode),
});
const cpu = process.cpuUsage(cpuBefore);
let expectedSlices = 0;
for (const slices of touchedSlices.values()) expectedSlices += slices.size;
const origin = await originReport(fixture, since, expectedSlices);
const summary = stats.summary({
  scenario,
  edgeUrl: fixture.edgeUrl,
  subscribers: fixture.subscribers.length,
  connections: Number(values.connections),
  loadGeneratorCpuSeconds: Math.round((cpu.user + cpu.system) / 1e4) / 100,
  origin,
});
console.log(formatSummary(`${scenario} against ${fixture.edgeUrl}`, summary));
console.log(`load generator CPU ${summary.loadGeneratorCpuSeconds} s over ${summary.seconds} s wall`);
if (values.json) writeFileSync(values.json, `${JSON.stringify(summary, null, 2)}\n`);

let failed = stats.wrongGrants > 0 || stats.malformed.length > 0;
if (values['max-errors'] !== undefined && stats.errorCount > Number(values['max-errors'])) {
  console.error(`${stats.errorCount} unexpected answers (allowed: ${values['max-errors']})`);
  failed = true;
}
if (values['expect-cold-origin'] && origin.available && origin.requests !== expectedSlices) {
  console.error(`origin requests ${origin.requests} != distinct slices read ${expectedSlices}`);
  failed = true;
}
process.exit(failed ? 1 : 0);
