import type { EdgeRequestRecord } from '@gatehouse/contracts';
import { connect, headers } from '@nats-io/transport-node';
import { DailySalts } from '../services/analytics/src/shipper/daily-salt.ts';
import { nginxLine } from '../services/analytics/src/shipper/edge-log-line.fixture.ts';
import { type EdgeLogLine, parseEdgeLogLine } from '../services/analytics/src/shipper/edge-log-line.ts';
import { EdgeRecordBuilder } from '../services/analytics/src/shipper/edge-record-builder.ts';

/**
 * Where the shipper's CPU per record goes (issue 11), stage by stage, in one process: each stage
 * runs over BENCH_RECORDS (100000) tiny-range lines as nginx writes them, and its user+system CPU
 * (process.cpuUsage, not wall time: the machine is shared) is divided by the records. Stages:
 * split a 1 MiB read into lines, parse + check a line, build the record (address hashed: every
 * address new, or all one address = the hash cache's hit), the record's JSON, and the NATS client's
 * publish of prebuilt payloads with their Nats-Msg-Id header (to the shared NATS, a subject no
 * stream holds). The end-to-end number (process CPU of the real shipper) is
 * bench/edge-records-shipper.bench.ts.
 *   set -a; . /work/main/.stack/env; set +a; npx node bench/edge-records-shipper-stages.bench.ts
 */
const N = Number(process.env.BENCH_RECORDS ?? 100_000);
/** The edge the lines are from (part of every record id). */
const INSTANCE = '0123456789abcdef0123456789abcdef';

const line = (i: number) =>
  nginxLine({
    req: `4242.${i}.1`,
    msec: (1_764_728_400 + i / 20_000).toFixed(3),
    addr: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
  });
const cpu = () => {
  const used = process.cpuUsage();
  return used.user + used.system;
};
/** Runs `fn` twice to warm up, then once measured; prints µs of CPU per record. */
async function stage(name: string, fn: () => unknown): Promise<number> {
  for (let i = 0; i < 2; i++) await fn();
  const before = cpu();
  await fn();
  const perRecord = (cpu() - before) / N;
  console.log(`${name.padEnd(52)} ${perRecord.toFixed(2).padStart(6)} µs/record`);
  return perRecord;
}

const log = Buffer.from(`${Array.from({ length: N }, (_, i) => line(i)).join('\n')}\n`);
let lines: string[] = [];
await stage('split 1 MiB reads into lines', () => {
  lines = [];
  for (let at = 0; at < log.length; at += 1 << 20) {
    const text = log.toString('utf8', at, Math.min(log.length, at + (1 << 20)));
    for (const l of text.split('\n')) if (l.length > 0) lines.push(l);
  }
});
lines = log.toString('utf8').split('\n').filter(Boolean);
let parsed: EdgeLogLine[] = [];
await stage('parse + check a line (JSON.parse, field checks)', () => {
  parsed = [];
  for (const l of lines) {
    const p = parseEdgeLogLine(l);
    if (p.ok) parsed.push(p.line);
  }
});
const salts = new DailySalts({ claim: async (_day, candidate) => candidate }, 60);
await salts.forDay('2025-12-03');
let records: EdgeRequestRecord[] = [];
const build = (builder: EdgeRecordBuilder, input: EdgeLogLine[]) => () => {
  records = [];
  for (const p of input) {
    const built = builder.build(p);
    if (built instanceof Promise) throw new Error('salt not cached');
    if (built.ok) records.push(built.record);
  }
};
// A fresh builder per run for "every address new", so the warm-up does not fill its cache.
await stage('build: every address new (HMAC, contract check)', () =>
  build(new EdgeRecordBuilder(salts, INSTANCE), parsed)(),
);
const oneAddress = parsed.map((p) => ({ ...p, address: '203.0.113.9' }));
await stage(
  'build: one address (hash cache hit, contract check)',
  build(new EdgeRecordBuilder(salts, INSTANCE), oneAddress),
);
let texts: string[] = [];
await stage('record JSON (JSON.stringify)', () => {
  texts = records.map((r) => JSON.stringify(r));
});
const encoder = new TextEncoder();
await stage('JSON → bytes (TextEncoder per record, before)', () => texts.map((t) => encoder.encode(t)));
let payloads: Buffer[] = [];
await stage('JSON → bytes (Buffer.write into 1 MiB slabs)', () => {
  payloads = [];
  let slab = Buffer.allocUnsafe(0);
  let used = 0;
  for (const t of texts) {
    if (used + t.length * 3 > slab.length) {
      slab = Buffer.allocUnsafe(1 << 20);
      used = 0;
    }
    const start = used;
    used += slab.write(t, start, 'utf8');
    payloads.push(slab.subarray(start, used));
  }
});
const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:54222' });
const subject = `ghbench.stages.${process.pid}`;
await stage('NATS publish with Nats-Msg-Id (client + socket)', async () => {
  for (let i = 0; i < N; i++) {
    const h = headers();
    h.set('Nats-Msg-Id', records[i]!.id);
    nc.publish(subject, payloads[i]!, { headers: h });
    if (i % 2000 === 1999) await nc.flush();
  }
  await nc.flush();
});
console.log(
  `payload ${(payloads.reduce((n, p) => n + p.length, 0) / N).toFixed(0)} bytes/record, log line ${(log.length / N).toFixed(0)} bytes`,
);
await nc.close();
