import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type EdgeRequestRecord, edgeRecordsStream, edgeRequestSubject } from '@gatehouse/contracts';
import { createPrismaClient } from '@gatehouse/db';
import { uniqueId, waitFor } from '@gatehouse/testkit';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  type PrivateServer,
  privateDatabase,
  privateNats,
} from '../../packages/outbox/test/private-stack.ts';
import { ensureEdgeStream } from '../../services/analytics/src/shipper/edge-stream.ts';
import { bulkTraffic } from '../../services/analytics/test/bulk-traffic.ts';
import { type Catalog, seedCatalog } from '../../services/analytics/test/counting-fixtures.ts';
import { scriptedDay } from '../../services/analytics/test/scripted-day.ts';
import { analyticsRig } from './replay-rig.ts';

/**
 * The analytics service as it runs (child process) on a private NATS JetStream and a private
 * Postgres database: exact counts of a scripted day over its HTTP API, the same numbers after the
 * `replay` command recounts from the stream start, and exact counts after the consumer, NATS and
 * the Postgres connections are killed mid-replay.
 *
 * Records are published to GH_EDGE as the edge-records shipper publishes them (JSON, Nats-Msg-Id =
 * id); e2e/analytics/edge-records.test.ts covers nginx → shipper → GH_EDGE.
 */
describe('analytics replay (service process, private NATS + Postgres)', () => {
  let nats: PrivateServer;
  let db: Awaited<ReturnType<typeof privateDatabase>>;
  let nc: NatsConnection;
  let prisma: ReturnType<typeof createPrismaClient>;
  let rig: Awaited<ReturnType<typeof analyticsRig>>;
  let catalog: Catalog;

  const publish = async (records: readonly EdgeRequestRecord[]) => {
    const js = jetstream(nc);
    for (let i = 0; i < records.length; i += 500) {
      await Promise.all(
        records
          .slice(i, i + 500)
          .map((r) => js.publish(edgeRequestSubject, JSON.stringify(r), { msgID: r.id })),
      );
    }
  };
  const cursor = async () =>
    Number(
      (await prisma.analyticsCursor.findUnique({ where: { consumer: 'analytics-downloads' } }))?.streamSeq ??
        0,
    );
  const lastSeq = async () =>
    (await (await jetstreamManager(nc)).streams.info(edgeRecordsStream.name)).state.last_seq;
  const drained = async () => {
    const target = await lastSeq();
    await waitFor(async () => (await cursor()) >= target || undefined, {
      timeoutMs: 90_000,
      intervalMs: 50,
      description: `cursor at ${target}`,
    });
  };
  const report = async (from: string, to: string) => {
    const by = async (groupBy: string) => {
      const r = await rig.get(
        `/api/v1/analytics/downloads?from=${from}&to=${to}&groupBy=${groupBy}`,
        catalog.apiKey,
      );
      assert.equal(r.status, 200, r.body);
      const body = JSON.parse(r.body) as { rows: { key: string }[]; totals: unknown };
      return { rows: body.rows.sort((a, b) => a.key.localeCompare(b.key)), totals: body.totals };
    };
    const day = await by('day');
    return {
      byDay: day.rows,
      byEpisode: (await by('episode')).rows,
      byApp: (await by('app')).rows,
      byTier: (await by('tier')).rows,
      totals: day.totals,
    };
  };

  before(async () => {
    nats = await privateNats();
    db = await privateDatabase();
    prisma = createPrismaClient(db.url, { poolSize: 2 });
    catalog = await seedCatalog(prisma, uniqueId('creator'));
    nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    await ensureEdgeStream(await jetstreamManager(nc));
    rig = await analyticsRig({ natsUrl: nats.url, databaseUrl: db.url, batchSize: 8 });
  });
  after(async () => {
    await rig?.close();
    await nc?.close();
    await prisma?.$disconnect();
    await db?.drop();
    await nats?.dispose();
  });

  test('a scripted day: exact counts over the API and CSV; replay from the stream start gives the same', async () => {
    const day = scriptedDay(catalog);
    await publish(day.records);
    await rig.start();
    await drained();
    const counted = await report(day.from, day.to);
    assert.deepEqual(counted, day.expected);

    const csv = await rig.get(
      `/api/v1/analytics/downloads.csv?from=${day.from}&to=${day.to}&groupBy=day`,
      catalog.apiKey,
    );
    assert.equal(csv.status, 200);
    assert.match(csv.type, /^text\/csv/);
    assert.equal(
      csv.body,
      '"day","downloads","listeners"\r\n"2026-12-02","5","5"\r\n"2026-12-03","1","1"\r\n',
    );
    const bad = await rig.get(`/api/v1/analytics/downloads?from=${day.to}&to=${day.from}`, catalog.apiKey);
    assert.equal(bad.status, 400);
    assert.equal(
      (await rig.get(`/api/v1/analytics/downloads?from=${day.from}&to=${day.to}`, 'ghk_nope')).status,
      401,
    );

    await rig.stop();
    await rig.replay();
    await rig.start();
    assert.deepEqual(await report(day.from, day.to), counted);
  });

  test('kill the consumer, NATS and the Postgres connections mid-replay: counts stay exact', async () => {
    const bulk = bulkTraffic(catalog, 600);
    await rig.stop();
    const before = await lastSeq();
    await publish(bulk.records);
    const total = before + bulk.records.length;
    const reached = (seq: number) =>
      waitFor(async () => (await cursor()) >= seq || undefined, { timeoutMs: 60_000, intervalMs: 10 });

    await rig.start();
    await reached(before + 300);
    await rig.kill(); // mid-batch: uncommitted, unacked → redelivered after ack_wait
    assert.ok((await cursor()) < total, 'the consumer was killed before the end');
    await rig.start();

    await reached(before + 800);
    await nats.stop(); // SIGKILL of the NATS server; its store survives, like a real crash
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await nats.start();

    await reached(before + 1300);
    const killed = await prisma.$queryRaw<{ n: bigint }[]>`
      SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity
       WHERE datname = current_database() AND application_name = 'gatehouse-analytics'`;
    assert.ok(Number(killed[0]?.n) > 0, 'analytics had Postgres connections to kill');

    await drained();
    const r = await rig.get(
      `/api/v1/analytics/downloads?from=${bulk.day}&to=${bulk.day}&groupBy=day`,
      catalog.apiKey,
    );
    const body = JSON.parse(r.body) as { rows: unknown[] };
    assert.deepEqual(body.rows, [{ key: bulk.day, downloads: bulk.downloads, listeners: bulk.downloads }]);

    // And once more from the start of the stream, undisturbed: the same numbers for every day.
    const disturbed = await report('2026-12-01', '2026-12-03');
    await rig.stop();
    await rig.replay();
    await rig.start();
    assert.deepEqual(await report('2026-12-01', '2026-12-03'), disturbed);
  });
});
