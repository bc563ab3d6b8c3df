import path from 'node:path';
import type { EdgeRequestRecord } from '@gatehouse/contracts';
import { DailySalts, type SaltStore } from '../services/analytics/src/shipper/daily-salt.ts';
import { nginxLine } from '../services/analytics/src/shipper/edge-log-line.fixture.ts';
import { type EdgeLogLine, parseEdgeLogLine } from '../services/analytics/src/shipper/edge-log-line.ts';
import { EdgeRecordBuilder } from '../services/analytics/src/shipper/edge-record-builder.ts';

/**
 * The shipper's per-record stages, this checkout against another one (BENCH_BEFORE, e.g. a
 * `git worktree` of the commit before a change, sharing this node_modules), in ONE process,
 * interleaved over 7 rounds and reported as medians: on a shared machine two separate runs differ
 * by more than the change. CPU (process.cpuUsage) per record over 100000 tiny-range lines, every one
 * with a new client address. Stages: parse + check a line; build the record (hash, contract
 * check); record → bytes. The "before" side uses the shipper as of 2026-12-03 (an async
 * `buildEdgeRecord(line, salts)` and `TextEncoder` per record).
 *   git worktree add --detach /tmp/before f5086ec && ln -s "$PWD/node_modules" /tmp/before/node_modules
 *   BENCH_BEFORE=/tmp/before npx node bench/edge-records-shipper-ab.bench.ts
 */
const N = 100_000;
const INSTANCE = '0123456789abcdef0123456789abcdef';
const ROUNDS = 7;
const before = process.env.BENCH_BEFORE;
if (!before) throw new Error('BENCH_BEFORE=<path of the other checkout> is required');
const shipperDir = path.join(path.resolve(before), 'services', 'analytics', 'src', 'shipper');

interface BeforeModules {
  DailySalts: new (store: SaltStore, ttlSeconds: number) => { forDay(day: string): Promise<unknown> };
  parseEdgeLogLine: typeof parseEdgeLogLine;
  buildEdgeRecord: (
    line: EdgeLogLine,
    salts: unknown,
  ) => Promise<{ ok: true; record: EdgeRequestRecord } | { ok: false; reason: string }>;
}
const old = {
  ...(await import(path.join(shipperDir, 'daily-salt.ts'))),
  ...(await import(path.join(shipperDir, 'edge-log-line.ts'))),
  ...(await import(path.join(shipperDir, 'edge-record-builder.ts'))),
} as BeforeModules;

const lines = Array.from({ length: N }, (_, i) =>
  nginxLine({
    id: i.toString(16).padStart(32, '0'), // what a shipper before derived ids reads
    req: `4242.${i}.1`, // what this one reads
    msec: (1_764_728_400 + i / 20_000).toFixed(3),
    addr: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
  }),
);
const cpu = () => {
  const used = process.cpuUsage();
  return used.user + used.system;
};
const results = new Map<string, number[]>();
async function measure(name: string, fn: () => unknown) {
  const start = cpu();
  await fn();
  results.set(name, [...(results.get(name) ?? []), (cpu() - start) / N]);
}
const parsedBy = (parse: typeof parseEdgeLogLine) =>
  lines.map((l) => {
    const p = parse(l);
    if (!p.ok) throw new Error(p.reason);
    return p.line;
  });

const store: SaltStore = { claim: async (_day, candidate) => candidate };
const oldSalts = new old.DailySalts(store, 60);
await oldSalts.forDay('2025-12-03');
const salts = new DailySalts(store, 60);
await salts.forDay('2025-12-03');
const oldParsed = parsedBy(old.parseEdgeLogLine);
const parsed = parsedBy(parseEdgeLogLine);
const encoder = new TextEncoder();
for (let round = 0; round < ROUNDS; round++) {
  await measure('parse + check: before', () => oldParsed.length === lines.map(old.parseEdgeLogLine).length);
  await measure('parse + check: after', () => parsed.length === lines.map(parseEdgeLogLine).length);
  const oldRecords: EdgeRequestRecord[] = [];
  await measure('build, new address: before', async () => {
    for (const p of oldParsed) {
      const built = await old.buildEdgeRecord(p, oldSalts);
      if (built.ok) oldRecords.push(built.record);
    }
  });
  const records: EdgeRequestRecord[] = [];
  await measure('build, new address: after', () => {
    const builder = new EdgeRecordBuilder(salts, INSTANCE);
    for (const p of parsed) {
      const built = builder.build(p);
      if (built instanceof Promise) throw new Error('salt not cached');
      if (built.ok) records.push(built.record);
    }
  });
  await measure('record → bytes: before (TextEncoder)', () => {
    for (const r of oldRecords) encoder.encode(JSON.stringify(r));
  });
  await measure('record → bytes: after (slab)', () => {
    let slab = Buffer.allocUnsafe(0);
    let used = 0;
    for (const r of records) {
      const text = JSON.stringify(r);
      if (used + text.length * 3 > slab.length) {
        slab = Buffer.allocUnsafe(1 << 20);
        used = 0;
      }
      const start = used;
      used += slab.write(text, start, 'utf8');
      slab.subarray(start, used);
    }
  });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const [name, values] of results)
  console.log(
    `${name.padEnd(40)} ${median(values).toFixed(2).padStart(6)} µs/record (rounds: ${values.map((v) => v.toFixed(1)).join(' ')})`,
  );
