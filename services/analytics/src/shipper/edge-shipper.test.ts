import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { EdgeRequestRecord } from '@gatehouse/contracts';
import { waitFor } from '@gatehouse/testkit';
import { DailySalts, type SaltStore } from './daily-salt.ts';
import { nginxLine } from './edge-log-line.fixture.ts';
import { EdgeShipper } from './edge-shipper.ts';
import { LogFollower } from './log-follower.ts';
import { FilePositionStore } from './log-position.ts';
import { edgeRecordId } from './record-id.ts';
import type { RecordSink } from './record-sink.ts';
import { createShipperMetrics } from './shipper-metrics.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'gh-shipper-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const salts: SaltStore = { claim: async (_day, candidate) => candidate };
const silent = { info() {}, warn() {}, error() {} };
const INSTANCE = '0123456789abcdef0123456789abcdef';
/** The i-th request of a connection, and the id the shipper derives for it (the fixture's `$msec`). */
const req = (i: number) => `4242.17.${i}`;
const idOf = (i: number) => edgeRecordId(INSTANCE, '2025-12-03T02:20:00.123Z', req(i));

/** In-memory double of our RecordSink that can be told to fail (NATS down). */
class MemorySink implements RecordSink {
  readonly ids = new Set<string>();
  readonly modes: boolean[] = [];
  failures = 0;
  async publish(records: readonly EdgeRequestRecord[], options: { acknowledgeEach: boolean }) {
    this.modes.push(options.acknowledgeEach);
    if (this.failures > 0) {
      this.failures--;
      throw new Error('nats: timeout');
    }
    let duplicates = 0;
    for (const r of records) {
      if (this.ids.has(r.id)) duplicates++;
      this.ids.add(r.id);
    }
    return { stored: records.length - duplicates, duplicates };
  }
}

function shipper(log: string, sink: RecordSink) {
  const metrics = createShipperMetrics();
  const follower = new LogFollower(log, {
    graceMs: 50,
    rotateBytes: 0,
    reopen: async () => {},
    onGap: () => {},
  });
  const positions = new FilePositionStore(`${log}.position`);
  const s = new EdgeShipper({
    follower,
    positions,
    sink,
    salts: new DailySalts(salts, 60),
    instance: INSTANCE,
    metrics,
    logger: silent,
    pollMs: 5,
    drainQuietMs: 30,
    drainTimeoutMs: 2_000,
  });
  return { s, metrics, positions };
}

const value = async (metrics: ReturnType<typeof createShipperMetrics>, name: string) =>
  (await metrics.registry.getMetricsAsJSON())
    .find((m) => m.name === name)
    ?.values.reduce((sum, v) => sum + v.value, 0) ?? 0;

test('ships every line once, counts the unparseable, retries through an outage, checkpoints after acks', async () => {
  const log = path.join(dir, 'a.log');
  writeFileSync(
    log,
    `${nginxLine({ req: req(1) })}\nnot json at all\n${nginxLine({ req: req(2), addr: 'x' })}\n`,
  );
  const sink = new MemorySink();
  sink.failures = 2; // the first two batches fail (NATS away), then it is back
  const { s, metrics, positions } = shipper(log, sink);
  const running = s.run();
  // After the outage (retries at 100 and 200 ms): a fresh batch.
  await waitFor(() => sink.ids.size === 1, { timeoutMs: 3000, intervalMs: 10 });
  appendFileSync(log, `${nginxLine({ req: req(3) })}\n`);
  await waitFor(() => sink.ids.size === 2, { timeoutMs: 3000, intervalMs: 10 });
  s.stop();
  await running;
  assert.deepEqual([...sink.ids].sort(), [idOf(1), idOf(3)]);
  // The first batch after the start and every retry ask for an ack per record; later fresh ones not.
  assert.equal(sink.modes[0], true);
  assert.deepEqual(sink.modes, [true, true, true, false], 'two failed attempts, the retry, a fresh batch');
  assert.equal(await value(metrics, 'edge_records_unparseable_total'), 2);
  assert.equal(await value(metrics, 'edge_records_publish_failures_total'), 2);
  assert.equal(await value(metrics, 'edge_records_shipped_total'), 2);
  const saved = await positions.load();
  assert.equal(saved?.offset, readFileSync(log).length);
});

test('stop drains what arrives while stopping (nginx flushes on its way down)', async () => {
  const log = path.join(dir, 'b.log');
  writeFileSync(log, '');
  const sink = new MemorySink();
  const { s } = shipper(log, sink);
  const running = s.run();
  s.stop();
  appendFileSync(log, `${nginxLine({ req: req(7) })}\n`);
  await running;
  assert.deepEqual([...sink.ids], [idOf(7)]);
});

test('stopped mid-outage: the batch is not checkpointed, so the next run ships it (no loss)', async () => {
  const log = path.join(dir, 'c.log');
  writeFileSync(log, `${nginxLine({ req: req(9) })}\n`);
  const down = new MemorySink();
  down.failures = 1_000;
  const first = shipper(log, down);
  const metricsFirst = first.metrics;
  const running = first.s.run();
  await new Promise((resolve) => setTimeout(resolve, 50));
  first.s.stop(); // NATS stays down past the drain deadline: the batch is given up, unsaved
  await running;
  assert.equal(down.ids.size, 0);
  assert.ok((await value(metricsFirst, 'edge_records_publish_failures_total')) >= 1);
  assert.equal(await first.positions.load(), undefined, 'nothing checkpointed');
  const up = new MemorySink();
  const second = shipper(log, up);
  const again = second.s.run();
  await new Promise((resolve) => setTimeout(resolve, 100));
  second.s.stop();
  await again;
  assert.deepEqual([...up.ids], [idOf(9)]);
});
