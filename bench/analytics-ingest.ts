import os from 'node:os';
import { createPrismaClient } from '@gatehouse/db';
import { createLogger } from '@gatehouse/logging';
import { stackEnv, uniqueId } from '@gatehouse/testkit';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { privateDatabase } from '../packages/outbox/test/private-stack.ts';
import { createCountingPipeline } from '../services/analytics/src/adapters/counting-pipeline.ts';
import { runCountingUntil } from '../services/analytics/src/adapters/counting-run.ts';
import { ensureEdgeStream } from '../services/analytics/src/shipper/edge-stream.ts';
import { bulkTraffic } from '../services/analytics/test/bulk-traffic.ts';
import { seedCatalog } from '../services/analytics/test/counting-fixtures.ts';

/**
 * Analytics ingest (issue 11): edge records counted per second by the download counter (durable
 * pull consumer, one Postgres transaction per batch with its stream sequence), against a baseline
 * measured in the same run on the same stream: a bare pull consumer that only acks (what JetStream
 * and the client alone allow). Then the delay from a record's publish to the commit that counted
 * it (p50/p99) at a steady offered rate.
 *
 * Real parts: the stack's NATS JetStream (a private stream) and Postgres (a private database).
 * Command: `set -a; . /work/main/.stack/env; set +a; npx node bench/analytics-ingest.ts`
 * (LISTENERS=70000 → 210 000 records; BATCH=2000; RATE=5000 records/s for the delay run).
 */
const LISTENERS = Number(process.env.LISTENERS ?? 70_000);
const BATCH = Number(process.env.BATCH ?? 2_000);
const RATE = Number(process.env.RATE ?? 5_000);
const DELAY_SECONDS = Number(process.env.DELAY_SECONDS ?? 10);

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

/** Baseline: the same consume() + JSON parse + ack, no counting, same max_ack_pending as the counter. */
async function ackOnly(count: number): Promise<number> {
  const durable = `ackonly_${id}`;
  await jsm.consumers.add(stream, {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
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
        msg.ack();
        seen++;
        if (seen === count) resolve();
      },
    });
  });
  const seconds = (performance.now() - start) / 1000;
  await jsm.consumers.delete(stream, durable);
  return count / seconds;
}

async function counter(count: number, durable: string): Promise<{ perSecond: number; downloads: number }> {
  const run = await runCountingUntil(
    { prisma, js, jsm, logger, durable, batchSize: BATCH, stream, subject },
    (progress) => progress.records >= count,
  );
  return { perSecond: count / run.seconds, downloads: run.downloads };
}

const traffic = bulkTraffic(catalog, LISTENERS);
const count = traffic.records.length;
console.log(`publishing ${count} records to ${stream} …`);
await publishAll(traffic.records);

const baseline = await ackOnly(count);
const counted = await counter(count, `counter_${id}`);
if (counted.downloads !== traffic.downloads) {
  throw new Error(`counted ${counted.downloads} downloads, expected ${traffic.downloads}`);
}

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
const steady = bulkTraffic(catalog, Math.ceil((RATE * DELAY_SECONDS) / 3), '2026-11-30').records;
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
  machine: `${os.cpus().length} cores, load ${os.loadavg()[0]?.toFixed(2)}`,
  records: count,
  batch: BATCH,
  baselineAckOnlyPerSecond: Math.round(baseline),
  counterPerSecond: Math.round(counted.perSecond),
  ratioCounterToBaseline: Number((counted.perSecond / baseline).toFixed(3)),
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
