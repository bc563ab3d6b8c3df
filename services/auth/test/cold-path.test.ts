import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createVersionedStore } from '@gatehouse/access-cache';
import { computeEpisodePolicy, computePlanGrants, computeSubscriberAccess } from '@gatehouse/access-snapshot';
import { redisKeys } from '@gatehouse/contracts';
import { createPrismaClient, type PrismaClient } from '@gatehouse/db';
import { createLogger } from '@gatehouse/logging';
import { stackEnv } from '@gatehouse/testkit';
import { issueAccessToken, parseKeyring } from '@gatehouse/tokens';
import { Redis } from 'ioredis';
import { buildApp } from '../src/app.ts';
import { type ColdLoader, createColdLoader } from '../src/cold-path/index.ts';

/**
 * The cold path after Redis lost its records (a restart without persistence): subscriber, plan and
 * episode records are rebuilt from the real Postgres and written back to the real Redis, one
 * Postgres read per record however many requests (and replicas) miss at once.
 */
const env = stackEnv();
const logger = createLogger({ level: 'silent', service: 'auth-cold-test' });
const keyring = parseKeyring(`k1:${randomBytes(32).toString('base64url')}`, 'k1');
let prisma: PrismaClient;
let redis: Redis;
const ids = { tenantId: '', subscriberId: '', planId: '', episodeId: '' };
const fileName = 'cold.mp3';
let keys: string[] = [];

before(async () => {
  prisma = createPrismaClient(env.databaseUrl, { poolSize: 4 });
  redis = new Redis(env.redisUrl, { maxRetriesPerRequest: 1 });
  const slug = `cold-${randomBytes(6).toString('hex')}`;
  const tenant = await prisma.tenant.create({ data: { slug, name: slug } });
  const show = await prisma.show.create({
    data: { tenantId: tenant.id, slug, title: 'Cold show', podcastGuid: randomUUID() },
  });
  const episode = await prisma.episode.create({
    data: {
      tenantId: tenant.id,
      showId: show.id,
      title: 'Premium',
      status: 'published',
      visibility: 'premium',
      publishedAt: new Date(Date.now() - 60_000),
    },
  });
  const asset = await prisma.mediaAsset.create({
    data: {
      tenantId: tenant.id,
      episodeId: episode.id,
      storageDriver: 'local',
      objectKey: `t/${tenant.id}/media/${randomUUID()}/${fileName}`,
      contentType: 'audio/mpeg',
      byteSize: 1234n,
      status: 'ready',
    },
  });
  await prisma.episode.update({ where: { id: episode.id }, data: { currentMediaAssetId: asset.id } });
  const plan = await prisma.plan.create({
    data: {
      tenantId: tenant.id,
      name: 'Premium',
      amount: 500,
      currency: 'usd',
      interval: 'month',
      grants: { create: { showId: show.id } },
    },
  });
  const subscriber = await prisma.subscriber.create({
    data: { tenantId: tenant.id, email: `${slug}@example.test` },
  });
  await prisma.accessCredential.create({ data: { tenantId: tenant.id, subscriberId: subscriber.id } });
  await prisma.subscription.create({
    data: {
      tenantId: tenant.id,
      subscriberId: subscriber.id,
      planId: plan.id,
      stripeSubscriptionId: `sub_${randomBytes(8).toString('hex')}`,
      status: 'active',
    },
  });
  Object.assign(ids, {
    tenantId: tenant.id,
    subscriberId: subscriber.id,
    planId: plan.id,
    episodeId: episode.id,
  });
  keys = [redisKeys.subscriber(subscriber.id), redisKeys.plan(plan.id), redisKeys.episode(episode.id)];
});

after(async () => {
  if (keys.length > 0) await redis.del(...keys);
  if (ids.tenantId) await prisma.tenant.delete({ where: { id: ids.tenantId } });
  redis.disconnect();
  await prisma.$disconnect();
});

function replica() {
  const store = createVersionedStore(redis);
  const cold = createColdLoader({ db: prisma, redis, store });
  const app = buildApp({
    logger,
    readiness: [],
    keyring,
    store,
    coldLoader: cold,
    originIssuer: {
      issue: async () => {
        throw new Error('a local object needs no origin URL');
      },
    },
  });
  return { app, cold };
}

const mediaPath = () => {
  const token = issueAccessToken(keyring, {
    tenantId: ids.tenantId,
    subscriberId: ids.subscriberId,
    generation: 1,
  });
  return `/edge/media/${token}/${ids.episodeId}/${fileName}`;
};

const readsOf = (...loaders: ColdLoader[]) => ({
  subscriber: loaders.reduce((n, l) => n + l.stats.byKind.subscriber, 0),
  plan: loaders.reduce((n, l) => n + l.stats.byKind.plan, 0),
  episode: loaders.reduce((n, l) => n + l.stats.byKind.episode, 0),
});

async function assertRebuilt() {
  const [sub, plan, ep] = await Promise.all(keys.map((key) => redis.get(key)));
  assert.deepEqual(JSON.parse(sub ?? 'null'), await computeSubscriberAccess(prisma, ids.subscriberId));
  assert.deepEqual(JSON.parse(plan ?? 'null'), await computePlanGrants(prisma, ids.planId));
  assert.deepEqual(JSON.parse(ep ?? 'null'), await computeEpisodePolicy(prisma, ids.episodeId));
}

describe('cold path: subscriber, plan and episode records heal after a Redis flush', () => {
  test('50 concurrent requests on one replica: all granted, one Postgres read per record', async (t) => {
    const { app, cold } = replica();
    t.after(() => app.close());
    await redis.del(...keys);
    const path = mediaPath();
    const answers = await Promise.all(Array.from({ length: 50 }, () => app.inject(path)));
    for (const answer of answers) {
      assert.equal(answer.statusCode, 200, answer.body);
      assert.match(String(answer.headers['x-accel-redirect']), /^\/_gh\/origin\/local\/t\//);
    }
    assert.deepEqual(readsOf(cold), { subscriber: 1, plan: 1, episode: 1 });
    await assertRebuilt();
    // Records are back in Redis: a later miss of the in-process cache needs no Postgres.
    app.accessCache.flush();
    assert.equal((await app.inject(path)).statusCode, 200);
    assert.deepEqual(readsOf(cold), { subscriber: 1, plan: 1, episode: 1 });
  });

  test('two replicas, 25 concurrent requests each: the Redis lock keeps it to one read per record', async (t) => {
    const a = replica();
    const b = replica();
    t.after(async () => {
      await a.app.close();
      await b.app.close();
    });
    await redis.del(...keys);
    const path = mediaPath();
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? a.app : b.app).inject(path)),
    );
    for (const answer of answers) assert.equal(answer.statusCode, 200, answer.body);
    assert.deepEqual(readsOf(a.cold, b.cold), { subscriber: 1, plan: 1, episode: 1 });
    await assertRebuilt();
  });

  test('an unknown episode is 404 without a Postgres read for a malformed id', async (t) => {
    const { app, cold } = replica();
    t.after(() => app.close());
    const token = issueAccessToken(keyring, {
      tenantId: ids.tenantId,
      subscriberId: ids.subscriberId,
      generation: 1,
    });
    const unknown = await app.inject(`/edge/media/${token}/${randomUUID()}/${fileName}`);
    assert.equal(unknown.statusCode, 404, unknown.body);
    assert.equal(cold.stats.byKind.episode, 1, 'a well-formed unknown id is looked up once');
    assert.equal(await cold.loadEpisode('not-a-uuid'), undefined);
    assert.equal(cold.stats.byKind.episode, 1, 'a malformed id never reaches Postgres');
  });
});
