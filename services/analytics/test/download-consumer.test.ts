import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { stackEnv, uniqueId } from '@gatehouse/testkit';
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

  before(async () => {
    db = await privateDatabase();
    h = await countingHarness({ natsUrl: stackEnv().natsUrl, databaseUrl: db.url, batchSize: 4 });
    catalog = await seedCatalog(h.prisma, uniqueId('creator'));
  });
  after(async () => {
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

  test('a batch applied twice (lost acks, redelivery) counts once; the cursor skips it', async () => {
    const store = createListenBatchStore({
      prisma: h.prisma,
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

  test('a transaction that fails leaves nothing half written', async () => {
    const consumer = uniqueId('atomic');
    const store = createListenBatchStore({
      prisma: h.prisma,
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
