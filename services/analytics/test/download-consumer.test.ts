import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { stackEnv, uniqueId } from '@gatehouse/testkit';
import { AckPolicy, DeliverPolicy } from '@nats-io/jetstream';
import pg from 'pg';
import { privateDatabase } from '../../../packages/outbox/test/private-stack.ts';
import { createEpisodeMediaLookup } from '../src/adapters/episode-media.repository.ts';
import { createListenBatchStore } from '../src/adapters/listen-batch.store.ts';
import { createTierLookup } from '../src/adapters/subscriber-tiers.repository.ts';
import { type Catalog, rangeRecord, seedCatalog } from './counting-fixtures.ts';
import { countingHarness } from './counting-harness.ts';
import { scriptedDay } from './scripted-day.ts';

// Real NATS JetStream (shared stack, private stream) and real Postgres (a private, migrated database:
// the exact totals below are the whole table's).
describe('download counter against NATS JetStream and Postgres', () => {
  let db: Awaited<ReturnType<typeof privateDatabase>>;
  let h: Awaited<ReturnType<typeof countingHarness>>;
  let catalog: Catalog;
  let pool: pg.Pool;

  before(async () => {
    db = await privateDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    h = await countingHarness({ natsUrl: stackEnv().natsUrl, databaseUrl: db.url, batchSize: 4 });
    catalog = await seedCatalog(h.prisma, uniqueId('creator'));
  });
  after(async () => {
    await pool?.end();
    await h?.close();
    await db?.drop();
  });

  test('a scripted day gives the exact counts; a replay from the stream start gives the same', async () => {
    const day = scriptedDay(catalog);
    await h.publish(day.records);
    await h.startConsumer();
    await h.drained();
    const first = await h.report(catalog.tenantId, day.from, day.to);
    assert.deepEqual(first, day.expected);

    await h.resetForReplay();
    assert.equal((await h.report(catalog.tenantId, day.from, day.to)).totals.downloads, 0);
    await h.startConsumer();
    await h.drained();
    assert.deepEqual(await h.report(catalog.tenantId, day.from, day.to), first);
    await h.stopConsumer();
  });

  test('a durable consumer left by an older version is deleted; counting goes on from the stored cursor, exact', async () => {
    // The state a deployment from before the ordered reader is in: the durable exists and has
    // delivered (and acked) everything; the cursor says how far counting got.
    const before = await h.report(catalog.tenantId, '2026-11-01', '2026-12-31');
    const info = await h.jsm.streams.info(h.stream);
    await h.jsm.consumers.add(h.stream, {
      durable_name: h.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: info.state.last_seq + 1,
      filter_subject: h.subject,
    });
    const ip = '9a'.repeat(32);
    await h.publish([
      rangeRecord(catalog, 0, 700_000, { ipHash: ip, saltDay: '2026-11-28' }),
      rangeRecord(catalog, 700_001, 1_100_000, { ipHash: ip, saltDay: '2026-11-28' }),
    ]);
    await h.startConsumer();
    await h.drained();
    await h.stopConsumer();
    await assert.rejects(h.jsm.consumers.info(h.stream, h.durable), /consumer not found/i);
    const after = await h.report(catalog.tenantId, '2026-11-01', '2026-12-31');
    assert.equal(after.totals.downloads, before.totals.downloads + 1);
  });

  test('a batch applied twice (a restart, a second replica) counts once; the cursor skips it', async () => {
    const store = createListenBatchStore({
      pool,
      consumer: uniqueId('direct'),
      media: createEpisodeMediaLookup(h.prisma),
      tiers: createTierLookup(h.prisma),
    });
    const ip = 'ab'.repeat(32);
    const batch = [
      { seq: 1, record: rangeRecord(catalog, 0, 700_000, { ipHash: ip, saltDay: '2026-11-30' }) },
      { seq: 2, record: rangeRecord(catalog, 700_001, 1_100_000, { ipHash: ip, saltDay: '2026-11-30' }) },
      { seq: 3, record: null },
    ];
    const once = await store.apply(batch);
    assert.deepEqual(
      { ...once, dropped: undefined },
      { skipped: 0, invalid: 1, downloads: 1, dropped: undefined, lastSeq: 3 },
    );
    const again = await store.apply(batch);
    assert.deepEqual(
      { skipped: again.skipped, downloads: again.downloads, lastSeq: again.lastSeq },
      { skipped: 3, downloads: 0, lastSeq: 3 },
    );
    const rows = await h.prisma.analyticsListen.count({
      where: { day: new Date('2026-11-30'), countedAt: { not: null } },
    });
    assert.equal(rows, 1);
  });

  test('a second replica commits between one replica read and its write: that write is refused, it counts once', async () => {
    const consumer = uniqueId('race');
    const replica = (db: pg.Pool) =>
      createListenBatchStore({
        pool: db,
        consumer,
        media: createEpisodeMediaLookup(h.prisma),
        tiers: createTierLookup(h.prisma),
      });
    await replica(pool).apply([]); // the cursor row exists (at 0)
    // Replica A's first statement (its read) returns only once B has committed the same batch.
    const aRead = Promise.withResolvers<void>();
    const bCommitted = Promise.withResolvers<void>();
    let reads = 0;
    const paused = {
      query: async (...args: Parameters<pg.Pool['query']>) => {
        const result = await pool.query(...args);
        if (reads++ === 0) {
          aRead.resolve();
          await bCommitted.promise;
        }
        return result;
      },
    } as unknown as pg.Pool;
    const ip = 'ce'.repeat(32);
    const batch = [
      { seq: 1, record: rangeRecord(catalog, 0, 700_000, { ipHash: ip, saltDay: '2026-11-27' }) },
      { seq: 2, record: rangeRecord(catalog, 700_001, 1_100_000, { ipHash: ip, saltDay: '2026-11-27' }) },
    ];
    const a = replica(paused).apply(batch);
    await aRead.promise;
    const b = await replica(pool).apply(batch);
    bCommitted.resolve();
    const late = await a;
    assert.deepEqual([b.downloads, b.skipped], [1, 0]);
    assert.deepEqual([late.downloads, late.skipped], [0, 2]);
    assert.equal(reads, 3, 'A read, had its write refused, read again');
    const counted = await h.prisma.analyticsListen.count({
      where: { day: new Date('2026-11-27'), countedAt: { not: null } },
    });
    assert.equal(counted, 1);
    assert.equal(Number((await h.prisma.analyticsCursor.findUnique({ where: { consumer } }))?.streamSeq), 2);
  });

  test('listens cached by one replica and continued by another are read again before they count', async () => {
    const consumer = uniqueId('stale');
    const replica = () =>
      createListenBatchStore({
        pool,
        consumer,
        media: createEpisodeMediaLookup(h.prisma),
        tiers: createTierLookup(h.prisma),
      });
    const [a, b] = [replica(), replica()];
    const ip = 'cf'.repeat(32);
    const first = rangeRecord(catalog, 0, 700_000, { ipHash: ip, saltDay: '2026-11-26' });
    const rest = rangeRecord(catalog, 700_001, 1_100_000, { ipHash: ip, saltDay: '2026-11-26' });
    assert.equal((await a.apply([{ seq: 1, record: first }])).downloads, 0); // A caches the half listen
    assert.equal((await b.apply([{ seq: 2, record: rest }])).downloads, 1); // B completes it
    // A's cache still has the half listen: counted with it, seq 3 would make a second download.
    const late = await a.apply([{ seq: 3, record: { ...rest, id: 'a'.repeat(32) } }]);
    assert.deepEqual([late.downloads, late.skipped, late.lastSeq], [0, 0, 3]);
    const counted = await h.prisma.analyticsListen.count({
      where: { day: new Date('2026-11-26'), countedAt: { not: null } },
    });
    assert.equal(counted, 1);
  });

  test('a transaction that fails leaves nothing half written', async () => {
    const consumer = uniqueId('atomic');
    const store = createListenBatchStore({
      pool,
      consumer,
      media: createEpisodeMediaLookup(h.prisma),
      tiers: createTierLookup(h.prisma),
    });
    // The second record's tenant does not parse as a uuid in SQL: the whole batch must roll back.
    const good = rangeRecord(catalog, 0, 2_000_000, { ipHash: 'cd'.repeat(32), saltDay: '2026-11-29' });
    const bad = {
      ...good,
      id: 'f'.repeat(32),
      ipHash: 'ef'.repeat(32),
      tenantId: 'not-a-uuid-but-36-chars-long-xxxxxxx',
    };
    await assert.rejects(
      store.apply([
        { seq: 1, record: good },
        { seq: 2, record: bad },
      ]),
    );
    assert.equal(await h.prisma.analyticsListen.count({ where: { day: new Date('2026-11-29') } }), 0);
    assert.equal(await h.prisma.analyticsCursor.count({ where: { consumer, streamSeq: { gt: 0 } } }), 0);
  });
});
