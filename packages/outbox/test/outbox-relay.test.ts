import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { streams } from '@gatehouse/contracts';
import { createPrismaClient, type PrismaClient } from '@gatehouse/db';
import { waitFor } from '@gatehouse/testkit';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createOutboxRelay, enqueueEvent, ensureStreams } from '../src/index.ts';
import { type PrivateServer, privateDatabase, privateNats } from './private-stack.ts';

// A private database and NATS: the relay drains the whole outbox table, and NATS gets killed.
let db: Awaited<ReturnType<typeof privateDatabase>>;
let prisma: PrismaClient;
let natsServer: PrivateServer;
let nc: NatsConnection;

before(async () => {
  db = await privateDatabase();
  prisma = createPrismaClient(db.url, { poolSize: 6 });
  natsServer = await privateNats();
  nc = await connect({ servers: natsServer.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  await ensureStreams(await jetstreamManager(nc));
});
after(async () => {
  await nc?.close();
  await prisma?.$disconnect();
  await db?.drop();
  await natsServer?.dispose();
});

const tenantId = '0190a1b2-0000-7000-8000-000000000001';
async function enqueue(count: number) {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const subscriberId = randomUUID();
    const eventId = `access:${subscriberId}:1`;
    ids.push(eventId);
    await prisma.$transaction((tx) =>
      enqueueEvent(tx, 'gh.access.subscriber.changed.v1', {
        eventId,
        occurredAt: new Date().toISOString(),
        access: { tenantId, subscriberId, generation: 1, plans: [], lifecycle: 'none', version: 1 },
      }),
    );
  }
  return ids;
}
const streamCount = async () =>
  (await (await jetstreamManager(nc)).streams.info(streams.events.name)).state.messages;
const unpublished = () => prisma.outboxMessage.count({ where: { publishedAt: null } });

test('ensureStreams sets a duplicate window of at least two minutes and is idempotent', async () => {
  const jsm = await jetstreamManager(nc);
  await ensureStreams(jsm);
  const info = await jsm.streams.info(streams.events.name);
  assert.ok(info.config.duplicate_window >= 120_000_000_000);
  assert.deepEqual(info.config.subjects, ['gh.>']);
  assert.ok(await jsm.streams.info(streams.deadLetter.name));
});

test('an invalid payload cannot be enqueued (the transaction fails)', async () => {
  await assert.rejects(
    prisma.$transaction((tx) =>
      enqueueEvent(tx, 'gh.access.subscriber.changed.v1', { eventId: 'x', occurredAt: 'yesterday' } as never),
    ),
    /invalid gh.access.subscriber.changed.v1/,
  );
});

test('publishes with Nats-Msg-Id, marks published after the ack, dedupes a second publish', async () => {
  const relay = createOutboxRelay({ prisma, js: jetstream(nc), sweepIntervalMs: 100 });
  const before = await streamCount();
  const ids = await enqueue(5);
  assert.equal(await relay.drainOnce(), 5);
  assert.equal(await unpublished(), 0);
  assert.equal(await streamCount(), before + 5);
  // A relay that crashed after the publish but before marking the row publishes it again: deduped.
  await prisma.outboxMessage.updateMany({ where: { msgId: { in: ids } }, data: { publishedAt: null } });
  assert.equal(await relay.drainOnce(), 5);
  assert.equal(await streamCount(), before + 5, 'JetStream dropped the duplicates by Nats-Msg-Id');
});

test('while NATS is down rows wait with backoff; after the restart every row is published once', async () => {
  const relay = createOutboxRelay({
    prisma,
    js: jetstream(nc),
    sweepIntervalMs: 100,
    publishTimeoutMs: 500,
    status: nc.status(),
  });
  relay.start();
  try {
    const before = await streamCount();
    await natsServer.stop();
    const ids = await enqueue(40);
    relay.notify();
    await waitFor(
      async () =>
        (await prisma.outboxMessage.count({
          where: { msgId: { in: ids }, attempts: { gt: 0 }, publishedAt: null },
        })) === 40,
      { timeoutMs: 10_000, description: 'failed attempts recorded' },
    );
    const failed = await prisma.outboxMessage.findFirstOrThrow({ where: { msgId: ids[0] } });
    assert.ok(failed.lastError, 'the failure is recorded');
    assert.ok(failed.nextAttemptAt.getTime() > failed.createdAt.getTime(), 'next attempt is backed off');
    await natsServer.start();
    await waitFor(async () => (await unpublished()) === 0, {
      timeoutMs: 20_000,
      description: 'outbox drained',
    });
    assert.equal(await streamCount(), before + 40);
  } finally {
    await relay.stop();
  }
});

test('two relays share the work (FOR UPDATE SKIP LOCKED) and publish every row once', async () => {
  const published = { a: 0, b: 0 };
  const js = jetstream(nc);
  const a = createOutboxRelay({ prisma, js, batchSize: 10 });
  const b = createOutboxRelay({ prisma, js, batchSize: 10 });
  const before = await streamCount();
  await enqueue(100);
  const drain = async (relay: typeof a, key: 'a' | 'b') => {
    for (;;) {
      const n = await relay.drainOnce();
      published[key] += n;
      if (n === 0 && (await unpublished()) === 0) return;
    }
  };
  await Promise.all([drain(a, 'a'), drain(b, 'b')]);
  assert.equal(published.a + published.b, 100, 'no row was published by both');
  assert.ok(published.a > 0 && published.b > 0, `both relays worked (${published.a}/${published.b})`);
  assert.equal(await streamCount(), before + 100);
});
