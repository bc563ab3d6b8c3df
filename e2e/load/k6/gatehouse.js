// k6 scenarios against a Gatehouse edge: the same as e2e/load/run.ts (see load-runner.ts).
// Usually started by e2e/load/k6.sh, which adds origin requests from MinIO's audit log:
//   k6 run -e FIXTURE=/abs/fixture.json -e SCENARIO=release-spike|feed-poll|mixed \
//     [-e VUS=32] [-e ROUNDS=1] [-e DURATION=60s] [-e CHUNK_KIB=1024] [-e SPIKE_SHARE=0.2] \
//     [-e SUMMARY=/abs/summary.json] e2e/load/k6/gatehouse.js
// Bounded: shared iterations (one session per subscriber and round) and maxDuration.
import exec from 'k6/execution';
import http from 'k6/http';
import { Counter } from 'k6/metrics';

const fixture = JSON.parse(open(__ENV.FIXTURE));
const SCENARIO = __ENV.SCENARIO || 'release-spike';
const CHUNK = Number(__ENV.CHUNK_KIB || 1024) * 1024;
const SPIKE_SHARE = Number(__ENV.SPIKE_SHARE || 0.2);
const EDGE = (__ENV.EDGE || fixture.edgeUrl).replace(/\/$/, '');
const SUBSCRIBERS = fixture.subscribers;
const EPISODE = fixture.episodes[Number(__ENV.EPISODE || 0)];

export const options = {
  scenarios: {
    gatehouse: {
      executor: 'shared-iterations',
      vus: Number(__ENV.VUS || 32),
      iterations: SUBSCRIBERS.length * Number(__ENV.ROUNDS || 1),
      maxDuration: __ENV.DURATION || '60s',
    },
  },
  discardResponseBodies: true,
  summaryTrendStats: ['med', 'p(90)', 'p(99)', 'max'],
};

// k6 reports tagged sub-metrics only for thresholds: one counter per status and cache status.
const STATUS_KEYS = [
  '200',
  '206',
  '304',
  '400',
  '401',
  '403',
  '404',
  '410',
  '416',
  '429',
  '500',
  '502',
  '503',
  '504',
  'other',
  'network-error',
];
const CACHE_KEYS = ['HIT', 'MISS', 'EXPIRED', 'STALE', 'UPDATING', 'REVALIDATED', 'BYPASS', 'LOCAL'];
const statusCounters = Object.fromEntries(
  STATUS_KEYS.map((k) => [k, new Counter(`gh_status_${k.replace('-', '_')}`)]),
);
const cacheCounters = Object.fromEntries(CACHE_KEYS.map((k) => [k, new Counter(`gh_cache_${k}`)]));
const wrongGrants = new Counter('gh_wrong_grants');
const unexpected = new Counter('gh_unexpected');
const malformed = new Counter('gh_malformed');
const DENY = [401, 403, 404, 410];

function observe(step, expect, res, range) {
  const key = res.status === 0 ? 'network-error' : String(res.status);
  (statusCounters[key] || statusCounters.other).add(1);
  const cs = res.headers['X-Cache-Status'];
  if (cs && cacheCounters[cs]) cacheCounters[cs].add(1);
  const granted = res.status >= 200 && res.status < 400;
  if (expect === 'deny' && granted) wrongGrants.add(1);
  if (expect === 'grant' ? !granted : !DENY.includes(res.status))
    unexpected.add(1, { step, status: String(res.status) });
  if (range && res.status === 206) {
    const want = `bytes ${range[0]}-${range[1]}/${range[2]}`;
    if (
      res.headers['Content-Range'] !== want ||
      Number(res.headers['Content-Length']) !== range[1] - range[0] + 1
    ) {
      malformed.add(1);
    }
  }
}

const etags = {};

function spike(sub) {
  const url = `${EDGE}/m/${sub.token}/${EPISODE.episodeId}/${EPISODE.fileName}`;
  const size = EPISODE.byteSize;
  const probe = http.get(url, { headers: { Range: 'bytes=0-1' }, tags: { step: 'probe' } });
  observe('probe', sub.expect, probe, [0, 1, size]);
  const last = sub.expect === 'deny' || probe.status !== 206 ? 0 : size - 1;
  for (let start = 0; start <= last; start += CHUNK) {
    const end = Math.min(size - 1, start + CHUNK - 1);
    const res = http.get(url, { headers: { Range: `bytes=${start}-${end}` }, tags: { step: 'range' } });
    observe('range', sub.expect, res, [start, end, size]);
    if (sub.expect === 'deny') break;
  }
}

function poll(sub, i) {
  const showId = fixture.showIds[i % fixture.showIds.length];
  const url = `${EDGE}/f/${sub.token}/${showId}.xml`;
  const headers = etags[url] ? { 'If-None-Match': etags[url] } : {};
  const res = http.get(url, { headers, tags: { step: 'feed' } });
  observe('feed', sub.expect, res);
  if (res.status === 200 && res.headers.Etag) etags[url] = res.headers.Etag;
}

export default function () {
  const i = exec.scenario.iterationInTest;
  const sub = SUBSCRIBERS[i % SUBSCRIBERS.length];
  const kind =
    SCENARIO === 'release-spike'
      ? 'spike'
      : SCENARIO === 'feed-poll'
        ? 'poll'
        : Math.random() < SPIKE_SHARE
          ? 'spike'
          : 'poll';
  if (kind === 'spike') spike(sub);
  else poll(sub, i);
}

function counts(data, prefix, keys) {
  const out = {};
  for (const k of keys) {
    const metric = data.metrics[`${prefix}${k.replace('-', '_')}`];
    if (metric && metric.values.count > 0) out[k] = metric.values.count;
  }
  return out;
}

export function handleSummary(data) {
  const d = data.metrics.http_req_duration.values;
  const reqs = data.metrics.http_reqs.values;
  const cacheCounts = counts(data, 'gh_cache_', CACHE_KEYS);
  let hits = 0;
  let total = 0;
  for (const [k, n] of Object.entries(cacheCounts)) {
    if (k === 'LOCAL') continue;
    total += n;
    if (['HIT', 'STALE', 'UPDATING', 'REVALIDATED'].includes(k)) hits += n;
  }
  const count = (name) => (data.metrics[name] ? data.metrics[name].values.count : 0);
  const summary = {
    tool: 'k6',
    scenario: SCENARIO,
    edgeUrl: EDGE,
    requests: reqs.count,
    seconds: Math.round(data.state.testRunDurationMs) / 1000,
    requestsPerSecond: Math.round(reqs.rate * 100) / 100,
    megabytesPerSecond: Math.round((data.metrics.data_received.values.rate / 1048576) * 100) / 100,
    latencyMs: { p50: d.med, p90: d['p(90)'], p99: d['p(99)'], max: d.max },
    statuses: counts(data, 'gh_status_', STATUS_KEYS),
    errors: count('gh_unexpected'),
    cacheStatus: cacheCounts,
    cacheHitRatio: total ? Math.round((hits / total) * 100) / 100 : null,
    wrongGrants: count('gh_wrong_grants'),
    malformed: count('gh_malformed'),
  };
  const text = [
    `== k6 ${SCENARIO} against ${EDGE}`,
    `requests        ${summary.requests} in ${summary.seconds} s = ${summary.requestsPerSecond} req/s, ${summary.megabytesPerSecond} MiB/s`,
    `latency ms      p50 ${d.med.toFixed(2)}  p90 ${d['p(90)'].toFixed(2)}  p99 ${d['p(99)'].toFixed(2)}  max ${d.max.toFixed(2)}`,
    `statuses        ${JSON.stringify(summary.statuses)}`,
    `errors          ${summary.errors}`,
    `cache           ${JSON.stringify(cacheCounts)} hit ratio ${summary.cacheHitRatio}`,
    `wrong grants    ${summary.wrongGrants}`,
    '',
  ].join('\n');
  const out = { stdout: text };
  if (__ENV.SUMMARY) out[__ENV.SUMMARY] = JSON.stringify(summary, null, 2);
  return out;
}
