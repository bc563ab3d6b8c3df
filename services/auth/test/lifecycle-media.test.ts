import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createVersionedStore } from '@gatehouse/access-cache';
import { computeEpisodePolicy, computeSubscriberAccess } from '@gatehouse/access-snapshot';
import { redisKeys } from '@gatehouse/contracts';
import { createPrismaClient, type PrismaClient } from '@gatehouse/db';
import { createLogger } from '@gatehouse/logging';
import { stackEnv } from '@gatehouse/testkit';
import { issueAccessToken, parseKeyring } from '@gatehouse/tokens';
import { Redis } from 'ioredis';
import { buildApp } from '../src/app.ts';
import { createColdLoader } from '../src/cold-path/index.ts';

/**
 * Lifecycle episodes through the real edge answer: a cancelled subscriber whose private feed lists
 * the creator's "subscription ended" episode can play it, and nothing premium. The records are the
 * ones the real writers produce from Postgres (the shared access snapshot that billing, media and
 * the cold path use), stored in and read from the real Redis.
 */
const env = stackEnv();
const logger = createLogger({ level: 'silent', service: 'auth-lifecycle-test' });
const keyring = parseKeyring(`k1:${randomBytes(32).toString('base64url')}`, 'k1');
const TTL_MS = 600_000;
let prisma: PrismaClient;
let redis: Redis;
let tenantId = '';
let subscriberId = '';
const episodes: Record<'ended' | 'welcome' | 'failed' | 'premium', { id: string; fileName: string }> = {
  ended: { id: '', fileName: 'goodbye.mp3' },
  welcome: { id: '', fileName: 'welcome.mp3' },
  failed: { id: '', fileName: 'failed.mp3' },
  premium: { id: '', fileName: 'premium.mp3' },
};
const keys = () => [
  redisKeys.subscriber(subscriberId),
  ...Object.values(episodes).map((episode) => redisKeys.episode(episode.id)),
];

before(async () => {
  prisma = createPrismaClient(env.databaseUrl, { poolSize: 2 });
  redis = new Redis(env.redisUrl, { maxRetriesPerRequest: 1 });
  const slug = `lifecycle-${randomBytes(6).toString('hex')}`;
  const tenant = await prisma.tenant.create({ data: { slug, name: slug } });
  tenantId = tenant.id;
  const show = await prisma.show.create({
    data: { tenantId, slug, title: 'Lifecycle show', podcastGuid: randomUUID() },
  });
  const kinds = [
    ['ended', 'subscription_ended'],
    ['welcome', 'welcome'],
    ['failed', 'payment_failed'],
    ['premium', 'none'],
  ] as const;
  for (const [name, kind] of kinds) {
    const episode = await prisma.episode.create({
      data: {
        tenantId,
        showId: show.id,
        title: name,
        status: 'published',
        visibility: 'premium',
        lifecycleKind: kind,
        publishedAt: new Date(Date.now() - 60_000),
      },
    });
    const asset = await prisma.mediaAsset.create({
      data: {
        tenantId,
        episodeId: episode.id,
        storageDriver: 'local',
        objectKey: `t/${tenantId}/media/${randomUUID()}/${episodes[name].fileName}`,
        contentType: 'audio/mpeg',
        byteSize: 1234n,
        status: 'ready',
      },
    });
    await prisma.episode.update({ where: { id: episode.id }, data: { currentMediaAssetId: asset.id } });
    episodes[name].id = episode.id;
  }
  // The plan grants the whole show; the subscription to it is over.
  const plan = await prisma.plan.create({
    data: {
      tenantId,
      name: 'All access',
      amount: 500,
      currency: 'usd',
      interval: 'month',
      grants: { create: { showId: show.id } },
    },
  });
  const subscriber = await prisma.subscriber.create({
    data: { tenantId, email: `${slug}@example.test` },
  });
  subscriberId = subscriber.id;
  await prisma.accessCredential.create({ data: { tenantId, subscriberId } });
  await prisma.subscription.create({
    data: {
      tenantId,
      subscriberId,
      planId: plan.id,
      stripeSubscriptionId: `sub_${randomBytes(8).toString('hex')}`,
      status: 'canceled',
    },
  });
});

after(async () => {
  if (subscriberId) await redis.del(...keys());
  if (tenantId) await prisma.tenant.delete({ where: { id: tenantId } });
  redis.disconnect();
  await prisma.$disconnect();
});

/** A fresh replica (empty in-process cache) over the real Redis, with the Postgres cold path. */
function replica() {
  const store = createVersionedStore(redis);
  return buildApp({
    logger,
    readiness: [],
    keyring,
    store,
    coldLoader: createColdLoader({ db: prisma, redis, store }),
    originIssuer: {
      issue: async () => {
        throw new Error('local objects need no origin URL');
      },
    },
  });
}

const token = () => issueAccessToken(keyring, { tenantId, subscriberId, generation: 1 });
const mediaPath = (name: keyof typeof episodes, fileName = episodes[name].fileName) =>
  `/edge/media/${token()}/${episodes[name].id}/${fileName}`;

async function statusesOf(app: ReturnType<typeof buildApp>) {
  const statuses: Record<string, number> = {};
  for (const name of Object.keys(episodes) as (keyof typeof episodes)[]) {
    statuses[name] = (await app.inject({ method: 'GET', url: mediaPath(name) })).statusCode;
  }
  return statuses;
}

describe('lifecycle episodes at the edge: a cancelled subscriber', () => {
  test('records written by the shared snapshot: the goodbye plays, premium and other states 403', async (t) => {
    const store = createVersionedStore(redis);
    const access = await computeSubscriberAccess(prisma, subscriberId);
    assert.equal(access?.lifecycle, 'ended');
    assert.deepEqual(access?.plans, [], 'a cancelled subscription grants no plan');
    await store.putIfNewer(redisKeys.subscriber(subscriberId), access, TTL_MS);
    for (const episode of Object.values(episodes)) {
      const policy = await computeEpisodePolicy(prisma, episode.id);
      assert.ok(policy);
      await store.putIfNewer(redisKeys.episode(episode.id), policy, TTL_MS);
    }
    const ended = await computeEpisodePolicy(prisma, episodes.ended.id);
    assert.equal(ended?.lifecycle, 'subscription_ended');

    const app = replica();
    t.after(() => app.close());
    const goodbye = await app.inject({ method: 'GET', url: mediaPath('ended') });
    assert.equal(goodbye.statusCode, 200, goodbye.body);
    assert.match(goodbye.headers['x-accel-redirect'] as string, /^\/_gh\/origin\/local\/.*\/goodbye\.mp3$/);
    assert.equal(goodbye.headers['content-disposition'], 'inline; filename="goodbye.mp3"');

    const premium = await app.inject({ method: 'GET', url: mediaPath('premium') });
    assert.equal(premium.statusCode, 403);
    assert.equal(premium.headers['x-accel-redirect'], undefined);
    assert.deepEqual(await statusesOf(app), { ended: 200, welcome: 403, failed: 403, premium: 403 });
    // Still the episode's own file only.
    assert.equal(
      (await app.inject({ method: 'GET', url: mediaPath('ended', 'premium.mp3') })).statusCode,
      404,
    );
  });

  test('after Redis lost the records, the cold path rebuilds them with the lifecycle: same answers', async (t) => {
    await redis.del(...keys());
    const app = replica();
    t.after(() => app.close());
    assert.deepEqual(await statusesOf(app), { ended: 200, welcome: 403, failed: 403, premium: 403 });
    const stored = JSON.parse((await redis.get(redisKeys.episode(episodes.ended.id))) ?? 'null');
    assert.equal(stored?.lifecycle, 'subscription_ended', 'the cold path wrote the field back to Redis');
  });

  test('an episode record written before the field existed reads as no lifecycle episode (403)', async (t) => {
    const store = createVersionedStore(redis);
    const current = await computeEpisodePolicy(prisma, episodes.ended.id);
    assert.ok(current);
    const { lifecycle: _absent, ...legacy } = current;
    await redis.del(redisKeys.episode(episodes.ended.id));
    await store.putIfNewer(redisKeys.episode(episodes.ended.id), legacy, TTL_MS);
    const app = replica();
    t.after(() => app.close());
    assert.equal((await app.inject({ method: 'GET', url: mediaPath('ended') })).statusCode, 403);
  });
});
