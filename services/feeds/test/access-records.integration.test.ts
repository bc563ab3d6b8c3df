import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { createVersionedStore } from '@gatehouse/access-cache';
import { type PlanGrants, redisKeys, type SubscriberAccess } from '@gatehouse/contracts';
import { createPrismaClient, type PrismaClient } from '@gatehouse/db';
import { stackEnv, waitFor } from '@gatehouse/testkit';
import { Redis } from 'ioredis';
import { createAccessRecordsStore } from '../src/adapters/access-records.store.ts';
import { seedPlan, seedShow, seedSubscriber, seedTenant, testKeyring } from './support/feeds-fixture.ts';

/**
 * The private feed's per-request access read on the real Redis and Postgres: Redis records first
 * (no Postgres), a ≤ 1 s in-process cache so revocation shows within a second, Postgres (the
 * shared access rules) only for a missing record, written back with putIfNewer.
 */
const env = stackEnv();
const { keyring } = testKeyring();
let prisma: PrismaClient;
let redis: Redis;
let clock = Date.now();
const fallbacks: string[] = [];

before(() => {
  prisma = createPrismaClient(env.databaseUrl);
  redis = new Redis(env.redisUrl, { maxRetriesPerRequest: 1 });
});
after(async () => {
  redis.disconnect();
  await prisma.$disconnect();
});

const build = () =>
  createAccessRecordsStore({
    records: createVersionedStore(redis),
    db: prisma,
    now: () => clock,
    onFallback: (kind, reason) => fallbacks.push(`${kind}:${reason}`),
  });

test('reads the Redis records without Postgres, and sees a revocation within a second', async () => {
  // Ids that exist only in Redis: any Postgres read would find nothing.
  const tenantId = randomUUID();
  const subscriberId = randomUUID();
  const planId = randomUUID();
  const showId = randomUUID();
  const store = createVersionedStore(redis);
  const access: SubscriberAccess = {
    tenantId,
    subscriberId,
    generation: 3,
    plans: [{ planId, until: null }],
    lifecycle: 'active',
    version: 5,
  };
  const grants: PlanGrants = { tenantId, planId, showIds: [showId], episodeIds: [], version: 2 };
  await store.putIfNewer(redisKeys.subscriber(subscriberId), access);
  await store.putIfNewer(redisKeys.plan(planId), grants);
  fallbacks.length = 0;
  const records = build();

  const first = await records.loadSubscriberAccess(subscriberId);
  assert.equal(first?.generation, 3);
  assert.deepEqual(first?.plans, [{ planId, until: null }]);
  const [plan] = await records.loadPlanGrants([planId]);
  assert.deepEqual(plan?.showIds, [showId]);
  assert.deepEqual(fallbacks, [], 'no Postgres read');

  // Cancelled (billing → projector wrote a newer record): visible once the 1 s entry expired.
  await store.putIfNewer(redisKeys.subscriber(subscriberId), {
    ...access,
    plans: [],
    lifecycle: 'ended',
    version: 6,
  });
  clock += 500;
  assert.equal((await records.loadSubscriberAccess(subscriberId))?.plans.length, 1, 'still cached at 0.5 s');
  clock += 501;
  const after = await records.loadSubscriberAccess(subscriberId);
  assert.deepEqual(after?.plans, []);
  assert.equal(after?.lifecycle, 'ended');
  assert.ok(after!.changedAt > first!.changedAt, 'a new version moves Last-Modified');
  await redis.del(redisKeys.subscriber(subscriberId), redisKeys.plan(planId));
});

test('a record missing from Redis comes from Postgres (access rules) and is written back', async () => {
  const tenant = await seedTenant(prisma);
  const show = await seedShow(prisma, tenant.id);
  const plan = await seedPlan(prisma, tenant.id, { showIds: [show.id] });
  const seeded = await seedSubscriber(prisma, keyring, tenant.id, plan.id, 'active');
  const subscriberId = seeded.subscriber.id;
  await redis.del(redisKeys.subscriber(subscriberId), redisKeys.plan(plan.id));
  fallbacks.length = 0;
  const records = build();

  const access = await records.loadSubscriberAccess(subscriberId);
  assert.equal(access?.tenantId, tenant.id);
  assert.deepEqual(access?.plans, [{ planId: plan.id, until: null }]);
  const [grants] = await records.loadPlanGrants([plan.id]);
  assert.deepEqual(grants?.showIds, [show.id]);
  assert.deepEqual(fallbacks, ['subscriber:missing', 'plan:missing']);

  // Written back (versioned), so the next process — or this one after the TTL — reads Redis.
  const written = await waitFor(
    () => createVersionedStore(redis).get<SubscriberAccess>(redisKeys.subscriber(subscriberId)),
    { timeoutMs: 2_000, intervalMs: 25 },
  );
  assert.equal(written?.subscriberId, subscriberId);
  fallbacks.length = 0;
  clock += 1_001;
  assert.equal((await records.loadSubscriberAccess(subscriberId))?.generation, 1);
  assert.deepEqual(fallbacks, []);
  assert.equal(await records.loadSubscriberAccess(randomUUID()), undefined, 'unknown subscriber');
  await redis.del(redisKeys.subscriber(subscriberId), redisKeys.plan(plan.id));
});

test('a verified token newer than the cached record reads Redis again (a link just rotated is not "replaced")', async () => {
  const tenantId = randomUUID();
  const subscriberId = randomUUID();
  const store = createVersionedStore(redis);
  const access: SubscriberAccess = {
    tenantId,
    subscriberId,
    generation: 1,
    plans: [],
    lifecycle: 'active',
    version: 1,
  };
  await store.putIfNewer(redisKeys.subscriber(subscriberId), access);
  const records = build();
  assert.equal((await records.loadSubscriberAccess(subscriberId))?.generation, 1);

  // Rotated (the projector wrote generation 2) while the in-process entry is still fresh.
  await store.putIfNewer(redisKeys.subscriber(subscriberId), { ...access, generation: 2, version: 2 });
  assert.equal((await records.loadSubscriberAccess(subscriberId))?.generation, 1, 'cached without a hint');
  assert.equal(
    (await records.loadSubscriberAccess(subscriberId, 2))?.generation,
    2,
    'the newer token refreshes',
  );
  assert.equal((await records.loadSubscriberAccess(subscriberId))?.generation, 2, 'and the cache keeps it');
  // An older token never forces a read: the cached generation 2 answers generation 1's request.
  assert.equal((await records.loadSubscriberAccess(subscriberId, 1))?.generation, 2);
});
