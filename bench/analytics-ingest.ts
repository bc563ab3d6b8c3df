import os from 'node:os';
import path from 'node:path';
import { createPrismaClient } from '@gatehouse/db';
import { createLogger } from '@gatehouse/logging';
import { stackEnv, uniqueId } from '@gatehouse/testkit';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { privateDatabase } from '../packages/outbox/test/private-stack.ts';
import { createCountingPipeline } from '../services/analytics/src/adapters/counting-pipeline.ts';
import { runCountingUntil } from '../services/analytics/src/adapters/counting-run.ts';
import { ensureEdgeStream } from '../services/analytics/src/shipper/edge-stream.ts';
import { bulkTraffic, mixedTraffic } from '../services/analytics/test/bulk-traffic.ts';
import { seedCatalog } from '../services/analytics/test/counting-fixtures.ts';
import { profiled, topSelfTime } from './lib/cpu-profile.ts';

/**
 * Analytics ingest (issue 11): edge records counted per second by the download counter (ordered
 * read from its cursor, one Postgres transaction per batch with its stream sequence), against two
 * baselines measured in the same run on the same stream: a durable pull consumer that only parses
 * and acks (the previous counter's reader) and an ordered read that only parses (the counter's
 * reader without counting). Then the delay from a record's publish to the commit that counted
 * it (p50/p99) at a steady offered rate.
 *
 * Real parts: the stack's NATS JetStream (a private stream) and Postgres (a private database).
 * Command: `set -a; . /work/main/.stack/env; set +a; npx node bench/analytics-ingest.ts`
 * (LISTENERS=70000 → 210 000 records; BATCH=5000; RATE=5000 records/s for the delay run; TRAFFIC=mix).
 */
const LISTENERS = Number(process.env.LISTENERS ?? 70_000);
const BATCH = Number(process.env.BATCH ?? 5_000);
const RATE = Number(process.env.RATE ?? 5_000);
const DELAY_SECONDS = Number(process.env.DELAY_SECONDS ?? 10);
/**
 * `interleaved` (default): every listener's three ranges spread over the whole run, so every record
 * touches a different listen row (the worst case for the counter). `mix`: a day as apps make it
 * (probe, HEAD, feed fetch, a chain of 128 KiB ranges; bots; 200 listeners active at a time).
 */
const TRAFFIC = process.env.TRAFFIC === 'mix' ? 'mix' : 'interleaved';
const makeTraffic = (listeners: number, day?: string) =>
  TRAFFIC === 'mix' ? mixedTraffic(catalog, listeners, 200, day) : bulkTraffic(catalog, listeners, day);

// Loaded before anything is published, so a wrong path fails at once.
const beforeModule = process.env.BEFORE
  ? ((await import(path.resolve(process.env.BEFORE))) as { runCountingUntil: typeof runCountingUntil })
  : undefined;
const env = stackEnv();
const db = await privateDatabase();
const prisma = createPrismaClient(db.url, { applicationName: 'bench-analytics' });
const nc = await connect({ servers: env.natsUrl });
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);
const id = uniqueId('bench').replaceAll('-', '_');
const stream = `GH_EDGE_${id}`.toUpperCase();
const subject = `ghedge.${id}.v1`;
await ensureEdgeStream(jsm, { name: stream, subjects: [subject] });
const logger = createLogger({ level: 'warn', service: 'bench-analytics' });
const catalog = await seedCatalog(prisma, uniqueId('bench'));
const encoder = new TextEncoder();

async function publishAll(records: { id: string }[]) {
  for (let i = 0; i < records.length; i += 2_000) {
    await Promise.all(
      records
        .slice(i, i + 2_000)
        .map((r) => js.publish(subject, encoder.encode(JSON.stringify(r)), { msgID: r.id })),
    );
  }
}

/**
 * Baseline 1 (the previous counter's reader): a durable pull consumer, consume() + JSON parse, one
 * ack per BATCH (AckPolicy.All, max_ack_pending = BATCH), no counting.
 */
async function ackOnly(count: number): Promise<number> {
  const durable = `ackonly_${id}`;
  await jsm.consumers.add(stream, {
    durable_name: durable,
    ack_policy: AckPolicy.All,
    deliver_policy: DeliverPolicy.All,
    filter_subject: subject,
    max_ack_pending: BATCH,
  });
  const consumer = await js.consumers.get(stream, durable);
  const start = performance.now();
  let seen = 0;
  const utf8 = new TextDecoder();
  await new Promise<void>((resolve) => {
    void consumer.consume({
      max_messages: BATCH,
      callback: (msg) => {
        JSON.parse(utf8.decode(msg.data));
        seen++;
        // As the counter acks: once per max_ack_pending messages (AckPolicy.All acks all before).
        if (seen % BATCH === 0 || seen === count) msg.ack();
        if (seen === count) resolve();
      },
    });
  });
  const seconds = (performance.now() - start) / 1000;
  await jsm.consumers.delete(stream, durable);
  return count / seconds;
}

/**
 * Baseline 2 (the counter's reader now): an ordered consumer read with pulls of BATCH + JSON parse,
 * no counting, no database.
 */
async function orderedOnly(count: number): Promise<number> {
  const consumer = await js.consumers.get(stream, { filter_subjects: [subject] });
  const utf8 = new TextDecoder();
  const start = performance.now();
  let seen = 0;
  while (seen < count) {
    for await (const msg of await consumer.fetch({ max_messages: BATCH, expires: 5_000 })) {
      JSON.parse(utf8.decode(msg.data));
      seen++;
    }
  }
  const seconds = (performance.now() - start) / 1000;
  await consumer.delete();
  return count / seconds;
}

async function counter(
  count: number,
  durable: string,
  run: typeof runCountingUntil = runCountingUntil,
): Promise<{ perSecond: number; downloads: number }> {
  const done = await run(
    { prisma, databaseUrl: db.url, js, jsm, logger, durable, batchSize: BATCH, stream, subject },
    (progress) => progress.records >= count,
  );
  return { perSecond: count / done.seconds, downloads: done.downloads };
}

/**
 * BEFORE=<path of another version's counting-run.ts> (e.g. an older commit's `services/analytics/src`
 * extracted under the worktree, so it resolves the same node_modules) runs that counter too, in the
 * same run on the same stream, before this one: the before/after comparison. The tables are
 * emptied between the two.
 */
async function before(
  count: number,
): Promise<{ perSecond: number; downloads: number; cpuUs: number } | undefined> {
  if (!beforeModule) return undefined;
  const run = beforeModule.runCountingUntil;
  const { result, cpuUs } = await cpuPerRecord(() => counter(count, `before_${id}`, run));
  await prisma.$executeRawUnsafe('TRUNCATE analytics_listens, analytics_cursors');
  return { ...result, cpuUs };
}

const traffic = makeTraffic(LISTENERS);
const count = traffic.records.length;
console.log(`publishing ${count} records to ${stream} …`);
await publishAll(traffic.records);

/**
 * CPU time this process spent per record in a phase (user + system, all its threads): unlike
 * records/s it hardly depends on how many other processes share the cores. NATS's and
 * Postgres's own CPU is not in it.
 */
async function cpuPerRecord<T>(work: () => Promise<T>): Promise<{ result: T; cpuUs: number }> {
  const before = process.cpuUsage();
  const result = await work();
  const used = process.cpuUsage(before);
  return { result, cpuUs: (used.user + used.system) / count };
}

const loadBefore = os.loadavg()[0];
const { result: baseline, cpuUs: ackOnlyCpu } = await cpuPerRecord(() => ackOnly(count));
const { result: ordered, cpuUs: orderedCpu } = await cpuPerRecord(() => orderedOnly(count));
const previous = await before(count);
if (previous && previous.downloads !== traffic.downloads) {
  throw new Error(`BEFORE counted ${previous.downloads} downloads, expected ${traffic.downloads}`);
}
// BENCH_CPU_PROF=<file>: a V8 CPU profile of the counter's run only (publishing and baselines excluded).
const {
  result: { result: counted, profile },
  cpuUs: counterCpu,
} = await cpuPerRecord(() => profiled(process.env.BENCH_CPU_PROF, () => counter(count, `counter_${id}`)));
if (previous) {
  console.log(
    `before (${process.env.BEFORE}): ${Math.round(previous.perSecond)} rec/s, ratio to ack-only ${(previous.perSecond / baseline).toFixed(3)}, ${previous.cpuUs.toFixed(1)} µs CPU per record; after/before ${(counted.perSecond / previous.perSecond).toFixed(2)}`,
  );
}
console.log(
  `CPU per record in this process: ack-only ${ackOnlyCpu.toFixed(1)} µs, ordered-read ${orderedCpu.toFixed(1)} µs, counter ${counterCpu.toFixed(1)} µs (one core's worth: ${Math.round(1e6 / counterCpu)} rec/s)`,
);
if (profile) console.log(`counter CPU by function (self time):\n${topSelfTime(profile).join('\n')}`);
const loadAfter = os.loadavg()[0];
if (counted.downloads !== traffic.downloads) {
  throw new Error(`counted ${counted.downloads} downloads, expected ${traffic.downloads}`);
}

console.log(
  `throughput (${TRAFFIC}, batch ${BATCH}): ack-only baseline ${Math.round(baseline)} rec/s, ordered-read baseline ${Math.round(ordered)} rec/s, counter ${Math.round(counted.perSecond)} rec/s, ratio to ack-only ${(counted.perSecond / baseline).toFixed(3)}, to ordered-read ${(counted.perSecond / ordered).toFixed(3)}, downloads ${counted.downloads} (exact), load ${loadBefore?.toFixed(1)}→${loadAfter?.toFixed(1)}`,
);

// Delay: a steady offered rate; each record's publish time vs the commit of the batch that applied it.
const delayDurable = `delay_${id}`;
await jsm.streams.purge(stream);
const published = new Map<number, number>();
const delays: number[] = [];
const delayPipeline = createCountingPipeline({
  prisma,
  js,
  jsm,
  logger,
  durable: delayDurable,
  databaseUrl: db.url,
  batchSize: BATCH,
  stream,
  subject,
  onBatch: (b) => {
    const now = performance.now();
    for (const [seq, at] of published) {
      if (seq > b.lastSeq) continue;
      delays.push(now - at);
      published.delete(seq);
    }
  },
});
await delayPipeline.start();
const perListener = traffic.records.length / LISTENERS;
const steady = makeTraffic(Math.ceil((RATE * DELAY_SECONDS) / perListener), '2026-11-30').records;
const tickMs = 20;
const perTick = Math.max(1, Math.round((RATE * tickMs) / 1000));
const startDelay = performance.now();
for (let i = 0; i < steady.length; i += perTick) {
  const due = startDelay + (i / perTick) * tickMs;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  for (const r of steady.slice(i, i + perTick)) {
    const sent = performance.now();
    js.publish(subject, encoder.encode(JSON.stringify(r)), { msgID: r.id }).then((ack) =>
      published.set(ack.seq, sent),
    );
  }
}
while (published.size > 0 || delays.length < steady.length) {
  await new Promise((resolve) => setTimeout(resolve, 50));
  if (performance.now() - startDelay > (DELAY_SECONDS + 60) * 1000) break;
}
await delayPipeline.stop();
delays.sort((a, b) => a - b);
const pct = (p: number) =>
  delays[Math.min(delays.length - 1, Math.floor((p / 100) * delays.length))] ?? Number.NaN;

const result = {
  machine: `${os.cpus().length} cores, load ${os.loadavg()[0]?.toFixed(2)} at the end`,
  traffic: TRAFFIC,
  records: count,
  batch: BATCH,
  baselineAckOnlyPerSecond: Math.round(baseline),
  baselineOrderedReadPerSecond: Math.round(ordered),
  counterPerSecond: Math.round(counted.perSecond),
  ratioCounterToAckOnly: Number((counted.perSecond / baseline).toFixed(3)),
  ratioCounterToOrderedRead: Number((counted.perSecond / ordered).toFixed(3)),
  before: previous && {
    counterPerSecond: Math.round(previous.perSecond),
    ratioToAckOnly: Number((previous.perSecond / baseline).toFixed(3)),
    cpuMicrosPerRecord: Number(previous.cpuUs.toFixed(1)),
  },
  cpuMicrosPerRecord: {
    ackOnly: Number(ackOnlyCpu.toFixed(1)),
    orderedRead: Number(orderedCpu.toFixed(1)),
    counter: Number(counterCpu.toFixed(1)),
  },
  load: { before: loadBefore, after: loadAfter },
  downloads: counted.downloads,
  delay: {
    offeredPerSecond: RATE,
    records: delays.length,
    p50Ms: Math.round(pct(50)),
    p99Ms: Math.round(pct(99)),
  },
};
console.log(JSON.stringify(result, null, 2));

await jsm.streams.delete(stream);
await nc.close();
await prisma.$disconnect();
await db.drop();
