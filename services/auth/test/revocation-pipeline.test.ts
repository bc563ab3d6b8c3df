import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Invalidation, invalidationSubject, redisKeys, streams } from '@gatehouse/contracts';
import { waitFor } from '@gatehouse/testkit';
import { jetstreamManager } from '@nats-io/jetstream';
import {
  type PrivateServer,
  privateDatabase,
  privateNats,
  privateRedis,
} from '../../../packages/outbox/test/private-stack.ts';
import { activeState, type Rig, startRig } from './revocation-rig.ts';

/**
 * The revocation pipeline end to end on real parts (Postgres, NATS JetStream, Redis, stripe-mock
 * for the SDK): Stripe webhook → billing transaction (ledger + outbox) → relay → JetStream →
 * projector → Redis + invalidation broadcast → auth replicas.
 *
 * NATS, Redis and the database are private to this file: the tests kill NATS and Redis, and the
 * relay drains the whole outbox table, none of which may disturb other tests on the shared stack.
 */
let db: Awaited<ReturnType<typeof privateDatabase>>;
let nats: PrivateServer;
let redis: PrivateServer;

before(async () => {
  [db, nats, redis] = await Promise.all([privateDatabase(), privateNats(), privateRedis()]);
});
after(async () => {
  await db?.drop();
  await nats?.dispose();
  await redis?.dispose();
});

const rigFor = (options: Partial<Parameters<typeof startRig>[0]> = {}) =>
  startRig({ databaseUrl: db.url, natsUrl: nats.url, redisUrl: redis.url, ...options });

async function payingSubscriber(rig: Rig, catalog: Awaited<ReturnType<Rig['createCatalog']>>) {
  const sub = await rig.createSubscriber(catalog.tenant.id);
  const state = activeState(sub.customerId, catalog.plan.stripePriceId!);
  const created = Math.floor(Date.now() / 1000) - 60;
  const response = await rig.deliver(rig.subscriptionEvent('customer.subscription.created', state, created));
  assert.equal(response.statusCode, 200, response.body);
  return { ...sub, state, created };
}

describe('revocation across replicas', () => {
  test('two auth replicas: a cancellation reaches both through the invalidation; neither grants after', async (t) => {
    // Cached subscriber records would live a minute: only the broadcast can revoke this fast.
    const rig = await rigFor({ replicas: 2, subscriberMaxAgeMs: 60_000 });
    t.after(() => rig.stop());
    const catalog = await rig.createCatalog();
    const sub = await payingSubscriber(rig, catalog);
    await waitFor(
      async () => (await rig.media(rig.replicas[0]!, sub.token, catalog.episodeId)).statusCode === 200,
      {
        timeoutMs: 5000,
        description: 'replica 0 grants',
      },
    );
    for (const replica of rig.replicas) {
      const granted = await rig.media(replica, sub.token, catalog.episodeId);
      assert.equal(granted.statusCode, 200, 'both replicas grant and now hold the record in process');
    }
    const canceled = { ...sub.state, status: 'canceled' as const, canceledAt: sub.created + 30 };
    const acknowledged = Date.now();
    const webhook = await rig.deliver(
      rig.subscriptionEvent('customer.subscription.deleted', canceled, sub.created + 30),
    );
    assert.equal(webhook.statusCode, 200);
    for (const [index, replica] of rig.replicas.entries()) {
      await waitFor(async () => (await rig.media(replica, sub.token, catalog.episodeId)).statusCode === 403, {
        timeoutMs: 1000,
        intervalMs: 5,
        description: `replica ${index} denies within one second`,
      });
    }
    const elapsed = Date.now() - acknowledged;
    assert.ok(elapsed < 1000, `revoked on both replicas in ${elapsed} ms`);
    for (const replica of rig.replicas) {
      for (let i = 0; i < 5; i++)
        assert.equal((await rig.media(replica, sub.token, catalog.episodeId)).statusCode, 403);
    }
  });

  test('token rotation: the old generation answers 410 at once, the new one works', async (t) => {
    const rig = await rigFor({ replicas: 2 });
    t.after(() => rig.stop());
    const catalog = await rig.createCatalog();
    const sub = await payingSubscriber(rig, catalog);
    await waitFor(
      async () => (await rig.media(rig.replicas[1]!, sub.token, catalog.episodeId)).statusCode === 200,
      {
        timeoutMs: 5000,
      },
    );
    // The domain function behind POST /billing/v1/subscribers/:id/rotate-token (route tested in billing).
    const { rotateAccessToken } = await import('../../billing/src/adapters/token-rotation.repository.ts');
    const rotated = await rotateAccessToken(rig.prisma, {
      tenantId: catalog.tenant.id,
      subscriberId: sub.subscriber.id,
      rotatedBy: 'subscriber',
    });
    rig.relay.notify();
    assert.equal(rotated.generation, 2);
    const { issueAccessToken } = await import('@gatehouse/tokens');
    const fresh = issueAccessToken(rig.keyring, {
      tenantId: catalog.tenant.id,
      subscriberId: sub.subscriber.id,
      generation: 2,
    });
    for (const replica of rig.replicas) {
      await waitFor(async () => (await rig.media(replica, sub.token, catalog.episodeId)).statusCode === 410, {
        timeoutMs: 1000,
        intervalMs: 5,
        description: 'old URL is gone',
      });
      assert.equal((await rig.media(replica, fresh, catalog.episodeId)).statusCode, 200, 'new URL works');
    }
  });
});

describe('outages', () => {
  test('NATS killed during a burst of 1,000 webhooks: all answered 2xx, every event reaches Redis once in effect', {
    timeout: 180_000,
  }, async (t) => {
    const rig = await rigFor({ replicas: 2 });
    t.after(() => rig.stop());
    const catalog = await rig.createCatalog();
    const subscribers = await Promise.all(
      Array.from({ length: 100 }, () => rig.createSubscriber(catalog.tenant.id)),
    );
    const base = Math.floor(Date.now() / 1000) - 3600;
    // 10 events per subscriber: created, then alternating updates, ending canceled for half of them.
    const plan: { index: number; event: object }[] = [];
    for (const [index, sub] of subscribers.entries()) {
      const state = activeState(sub.customerId, catalog.plan.stripePriceId!);
      for (let step = 0; step < 10; step++) {
        const status = step === 9 && index % 2 === 0 ? 'canceled' : step % 3 === 1 ? 'past_due' : 'active';
        const type =
          step === 0
            ? 'customer.subscription.created'
            : status === 'canceled'
              ? 'customer.subscription.deleted'
              : 'customer.subscription.updated';
        plan.push({
          index,
          event: rig.subscriptionEvent(
            type,
            { ...state, status, cancelAtPeriodEnd: step % 4 === 3 },
            base + step * 10,
          ),
        });
      }
    }
    const statuses: number[] = [];
    const send = async (from: number, to: number) => {
      for (let i = from; i < to; i += 20) {
        const batch = plan.slice(i, Math.min(i + 20, to));
        const answers = await Promise.all(batch.map(({ event }) => rig.deliver(event)));
        statuses.push(...answers.map((answer) => answer.statusCode));
      }
    };
    // Events go out in step order across subscribers (like a real burst).
    plan.sort(
      (a, b) =>
        (a.event as { created: number }).created - (b.event as { created: number }).created ||
        a.index - b.index,
    );
    await send(0, 300);
    await nats.stop();
    await send(300, 800);
    await nats.start();
    await send(800, 1000);
    assert.equal(statuses.length, 1000);
    assert.ok(
      statuses.every((status) => status === 200),
      'every webhook was acknowledged',
    );
    await waitFor(
      async () => (await rig.prisma.outboxMessage.count({ where: { publishedAt: null } })) === 0,
      {
        timeoutMs: 60_000,
        description: 'outbox drained',
      },
    );
    const ids = subscribers.map((sub) => sub.subscriber.id);
    await waitFor(() => rig.redisMatchesDatabase(ids), {
      timeoutMs: 60_000,
      intervalMs: 250,
      description: 'Redis == Postgres',
    }).catch(async (error) => {
      const jsm = await jetstreamManager(rig.replicas[0]!.nats);
      const consumer = await jsm.consumers.info(streams.events.name, rig.durableName);
      const stream = await jsm.streams.info(streams.events.name);
      throw new Error(
        `${error.message}; stream ${stream.state.messages} messages, outbox ${await rig.prisma.outboxMessage.count()} rows, ` +
          `consumer pending ${consumer.num_pending}/${consumer.num_ack_pending}; ${await rig.describeMismatch(ids)}`,
      );
    });
    const jsm = await jetstreamManager(rig.replicas[0]!.nats);
    const published = await rig.prisma.outboxMessage.count();
    assert.equal(
      (await jsm.streams.info(streams.events.name)).state.messages,
      published,
      'one stream message per outbox row',
    );
    const dead = rig.replicas.reduce((sum, replica) => sum + replica.projector.counts.deadLettered, 0);
    assert.equal(dead, 0, 'nothing dead-lettered');
  });

  test('Redis killed while the projector runs: nothing lost, nothing dead-lettered', {
    timeout: 120_000,
  }, async (t) => {
    const rig = await rigFor({ replicas: 2 });
    t.after(() => rig.stop());
    const catalog = await rig.createCatalog();
    const subscribers = await Promise.all(
      Array.from({ length: 50 }, () => rig.createSubscriber(catalog.tenant.id)),
    );
    const base = Math.floor(Date.now() / 1000) - 3600;
    const events = subscribers.flatMap((sub, index) => {
      const state = activeState(sub.customerId, catalog.plan.stripePriceId!);
      return [0, 1, 2, 3].map((step) =>
        rig.subscriptionEvent(
          step === 0 ? 'customer.subscription.created' : 'customer.subscription.updated',
          { ...state, status: step === 3 && index % 2 ? 'unpaid' : 'active', cancelAtPeriodEnd: step === 2 },
          base + step,
        ),
      );
    });
    for (const event of events.slice(0, 80)) assert.equal((await rig.deliver(event)).statusCode, 200);
    await redis.stop();
    for (const event of events.slice(80)) assert.equal((await rig.deliver(event)).statusCode, 200);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await redis.start();
    const ids = subscribers.map((sub) => sub.subscriber.id);
    await waitFor(() => rig.redisMatchesDatabase(ids), {
      timeoutMs: 30_000,
      intervalMs: 250,
      description: 'Redis == Postgres',
    });
    const dead = rig.replicas.reduce((sum, replica) => sum + replica.projector.counts.deadLettered, 0);
    assert.equal(dead, 0);
  });
});

describe('Redis outage policy', () => {
  test('fail closed by default: 503 + Retry-After: 1 while Redis is down', async (t) => {
    const rig = await rigFor({ replicas: 1, subscriberMaxAgeMs: 1000 });
    t.after(() => rig.stop());
    const catalog = await rig.createCatalog();
    const sub = await payingSubscriber(rig, catalog);
    const replica = rig.replicas[0]!;
    await waitFor(async () => (await rig.media(replica, sub.token, catalog.episodeId)).statusCode === 200, {
      timeoutMs: 5000,
    });
    await redis.stop();
    try {
      await waitFor(() => replica.guard.degraded.has('redis'), { timeoutMs: 5000 });
      const answer = await rig.media(replica, sub.token, catalog.episodeId);
      assert.equal(answer.statusCode, 503);
      assert.equal(answer.headers['retry-after'], '1');
    } finally {
      await redis.start();
    }
  });

  test('AUTH_STALE_GRACE_MS: a recently read entry is served for the bounded staleness, then 503; an invalidation ends it', async (t) => {
    const rig = await rigFor({ replicas: 1, subscriberMaxAgeMs: 1000, staleGraceMs: 1500 });
    t.after(() => rig.stop());
    const catalog = await rig.createCatalog();
    const sub = await payingSubscriber(rig, catalog);
    const other = await payingSubscriber(rig, catalog);
    const replica = rig.replicas[0]!;
    await waitFor(async () => (await rig.media(replica, sub.token, catalog.episodeId)).statusCode === 200, {
      timeoutMs: 5000,
    });
    await waitFor(async () => (await rig.media(replica, other.token, catalog.episodeId)).statusCode === 200, {
      timeoutMs: 5000,
    });
    await redis.stop();
    try {
      await waitFor(() => replica.guard.degraded.has('redis'), { timeoutMs: 5000 });
      assert.equal(
        (await rig.media(replica, sub.token, catalog.episodeId)).statusCode,
        200,
        'served within the grace',
      );
      assert.ok(replica.stale.servedStale > 0);
      // An announced revocation is honoured even while Redis is down.
      const message: Invalidation = { keys: [redisKeys.subscriber(other.subscriber.id)], origin: 'test' };
      replica.nats.publish(invalidationSubject, JSON.stringify(message));
      await replica.nats.flush();
      await waitFor(
        async () => (await rig.media(replica, other.token, catalog.episodeId)).statusCode === 503,
        { timeoutMs: 1000 },
      );
      await new Promise((resolve) => setTimeout(resolve, 1600));
      assert.equal(
        (await rig.media(replica, sub.token, catalog.episodeId)).statusCode,
        503,
        'grace over: fail closed',
      );
    } finally {
      await redis.start();
    }
  });

  test('a missing validity entry is rebuilt from Postgres once, however many replicas and requests miss it', async (t) => {
    const rig = await rigFor({ replicas: 2, subscriberMaxAgeMs: 1000 });
    t.after(() => rig.stop());
    const catalog = await rig.createCatalog();
    const sub = await payingSubscriber(rig, catalog);
    const key = redisKeys.subscriber(sub.subscriber.id);
    await waitFor(async () => (await rig.store.get(key)) !== undefined, { timeoutMs: 5000 });
    await rig.store.delete(key);
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => rig.media(rig.replicas[i % 2]!, sub.token, catalog.episodeId)),
    );
    const codes = answers.map((answer) => answer.statusCode);
    assert.ok(
      codes.every((code) => code === 200),
      `all granted from the rebuilt entry: ${[...new Set(codes)]}`,
    );
    const reads = rig.replicas.reduce((sum, replica) => sum + replica.cold.stats.postgresReads, 0);
    assert.equal(reads, 1, 'one Postgres read for 60 concurrent misses on two replicas');
    assert.ok(await rig.store.get(key), 'the entry is back in Redis');
  });
});

describe('dead letters', () => {
  test('an invalid payload is dead-lettered at once; a write that keeps failing after bounded redelivery', async (t) => {
    const rig = await rigFor({ replicas: 1 });
    t.after(() => rig.stop());
    const replica = rig.replicas[0]!;
    const js = (await import('@nats-io/jetstream')).jetstream(replica.nats);
    const jsm = await jetstreamManager(replica.nats);
    const dlqBefore = (await jsm.streams.info(streams.deadLetter.name)).state.messages;

    await js.publish(
      'gh.access.subscriber.changed.v1',
      JSON.stringify({ eventId: 'bad', access: { nope: true } }),
    );
    await waitFor(
      async () => (await jsm.streams.info(streams.deadLetter.name)).state.messages === dlqBefore + 1,
      {
        timeoutMs: 5000,
        description: 'invalid payload dead-lettered',
      },
    );
    assert.equal(replica.projector.counts.retried, 0, 'no redelivery for a payload that can never be valid');

    // A key of the wrong type makes every write fail (WRONGTYPE): retried with backoff, then dead-lettered.
    const catalog = await rig.createCatalog();
    const sub = await rig.createSubscriber(catalog.tenant.id);
    await replica.redis.hset(redisKeys.subscriber(sub.subscriber.id), 'broken', '1');
    const state = activeState(sub.customerId, catalog.plan.stripePriceId!);
    const created = Math.floor(Date.now() / 1000);
    assert.equal(
      (await rig.deliver(rig.subscriptionEvent('customer.subscription.created', state, created))).statusCode,
      200,
    );
    await waitFor(
      async () => (await jsm.streams.info(streams.deadLetter.name)).state.messages === dlqBefore + 2,
      {
        timeoutMs: 10_000,
        description: 'poison write dead-lettered after max_deliver',
      },
    );
    assert.equal(replica.projector.counts.retried, 3, 'delivered max_deliver = 4 times: 3 retries');
    const last = await jsm.streams.getMessage(streams.deadLetter.name, {
      last_by_subj: `ghdlq.${rig.durableName}.gh.access.subscriber.changed.v1`,
    });
    assert.equal(last?.header.get('Gh-Dlq-Deliveries'), '4');
    await replica.redis.del(redisKeys.subscriber(sub.subscriber.id));
  });
});
