/**
 * Seeds the demo: a creator (tenant + API key), a show with three episodes of generated audio
 * (silent MP3 frames written by code, no binaries in the repo) stored in the stack's MinIO, a plan,
 * and a subscriber with an active subscription. Prints the private feed URL and one media URL
 * through the edge. Idempotent per run: every run makes a fresh demo tenant.
 *
 *   npx node scripts/demo-seed.ts        (environment: .stack/env + .stack/platform.env)
 *
 * Writes what the services would have written on the way: Postgres rows, the media objects in
 * S3, and the Redis validity records the auth hop reads (subscriber, plan, episode policies) with
 * the shapes of @gatehouse/contracts.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createVersionedStore } from '@gatehouse/access-cache';
import type { EpisodePolicy, PlanGrants, SubscriberAccess } from '@gatehouse/contracts';
import { redisKeys } from '@gatehouse/contracts';
import { createPrismaClient } from '@gatehouse/db';
import { issueAccessToken, parseKeyring } from '@gatehouse/tokens';
import { Redis } from 'ioredis';

const need = (name: string) => {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`demo-seed: ${name} is not set (source .stack/env and .stack/platform.env)\n`);
    process.exit(1);
  }
  return value;
};

/** MPEG-1 Layer III, 128 kbps, 44.1 kHz: 417-byte frames; all-zero side info decodes as silence. */
function silentMp3(seconds: number): Buffer {
  const frames = Math.ceil((seconds * 44_100) / 1152);
  const out = Buffer.alloc(frames * 417);
  for (let i = 0; i < frames; i++) out.set([0xff, 0xfb, 0x90, 0x00], i * 417);
  return out;
}

const edge = need('EDGE_URL');
const publicBase = (process.env.PUBLIC_BASE_URL ?? edge).replace(/\/+$/, '');
const keyring = parseKeyring(need('TOKEN_KEYS'), need('TOKEN_ACTIVE_KID'));
const prisma = createPrismaClient(need('DATABASE_URL'));
const redis = new Redis(need('REDIS_URL'), { maxRetriesPerRequest: 2 });
const store = createVersionedStore(redis);
const s3 = new S3Client({
  endpoint: need('S3_ENDPOINT'),
  region: need('S3_REGION'),
  forcePathStyle: process.env.S3_FORCE_PATH_STYLE === 'true',
  credentials: { accessKeyId: need('S3_ACCESS_KEY_ID'), secretAccessKey: need('S3_SECRET_ACCESS_KEY') },
});
const bucket = need('S3_BUCKET');

try {
  const slug = `demo-${randomBytes(3).toString('hex')}`;
  const tenant = await prisma.tenant.create({ data: { slug, name: 'Demo Creator' } });
  const apiSecret = `gh_${randomBytes(24).toString('base64url')}`;
  await prisma.tenantApiKey.create({
    data: {
      tenantId: tenant.id,
      name: 'demo',
      prefix: apiSecret.slice(0, 11),
      secretHash: createHash('sha256').update(apiSecret).digest('hex'),
    },
  });
  const show = await prisma.show.create({
    data: {
      tenantId: tenant.id,
      slug: 'demo-show',
      title: 'The Gatehouse Demo Show',
      description: 'A demo show with generated audio.',
      author: 'Demo Creator',
      ownerEmail: 'creator@example.com',
      imageUrl: 'https://example.com/cover.jpg',
      itunesCategory: 'Technology',
      podcastGuid: randomUUID(),
      listPremiumTeasers: true,
    },
  });
  const plan = await prisma.plan.create({
    data: { tenantId: tenant.id, name: 'Supporter', amount: 500, currency: 'usd', interval: 'month' },
  });
  await prisma.planGrant.create({ data: { planId: plan.id, showId: show.id } });

  const now = Date.now();
  const episodes = [];
  for (const [i, spec] of [
    { title: 'Welcome to the public feed', visibility: 'public' as const, seconds: 5 },
    { title: 'Premium: behind the scenes', visibility: 'premium' as const, seconds: 8 },
    { title: 'Premium: early access', visibility: 'premium' as const, seconds: 6, earlyDays: 7 },
  ].entries()) {
    const body = silentMp3(spec.seconds);
    const sha = createHash('sha256').update(body).digest('hex');
    const episode = await prisma.episode.create({
      data: {
        tenantId: tenant.id,
        showId: show.id,
        title: spec.title,
        description: `<p>${spec.title}</p>`,
        episodeNumber: i + 1,
        seasonNumber: 1,
        status: 'published',
        visibility: spec.visibility,
        publishedAt: new Date(now - (3 - i) * 3600_000),
        earlyAccessUntil: spec.earlyDays ? new Date(now + spec.earlyDays * 86_400_000) : null,
      },
    });
    // Content-addressed key, as the media service makes them.
    const objectKey = `t/${tenant.id}/e/${episode.id}/${sha.slice(0, 16)}.mp3`;
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: objectKey, Body: body, ContentType: 'audio/mpeg' }),
    );
    const asset = await prisma.mediaAsset.create({
      data: {
        tenantId: tenant.id,
        episodeId: episode.id,
        storageDriver: 's3',
        objectKey,
        originalFileName: `episode-${i + 1}.mp3`,
        contentType: 'audio/mpeg',
        byteSize: BigInt(body.length),
        durationSeconds: spec.seconds,
        sha256: sha,
        status: 'ready',
      },
    });
    await prisma.episode.update({ where: { id: episode.id }, data: { currentMediaAssetId: asset.id } });
    const policy: EpisodePolicy = {
      tenantId: tenant.id,
      showId: show.id,
      episodeId: episode.id,
      status: 'published',
      visibility: spec.visibility,
      publicFrom: spec.earlyDays ? now + spec.earlyDays * 86_400_000 : null,
      publishedAt: now - (3 - i) * 3600_000,
      media: {
        storage: 's3',
        objectKey,
        contentType: 'audio/mpeg',
        byteSize: body.length,
        fileName: objectKey.slice(objectKey.lastIndexOf('/') + 1),
      },
      version: 1,
    };
    await store.putIfNewer(redisKeys.episode(episode.id), policy);
    episodes.push({ episode, policy });
  }

  const subscriber = await prisma.subscriber.create({
    data: {
      tenantId: tenant.id,
      email: 'listener@example.com',
      stripeCustomerId: `cus_demo${randomBytes(4).toString('hex')}`,
    },
  });
  const credential = await prisma.accessCredential.create({
    data: { tenantId: tenant.id, subscriberId: subscriber.id },
  });
  await prisma.subscription.create({
    data: {
      tenantId: tenant.id,
      subscriberId: subscriber.id,
      planId: plan.id,
      stripeSubscriptionId: `sub_demo${randomBytes(4).toString('hex')}`,
      status: 'active',
      currentPeriodEnd: new Date(now + 30 * 86_400_000),
    },
  });
  const access: SubscriberAccess = {
    tenantId: tenant.id,
    subscriberId: subscriber.id,
    generation: credential.generation,
    plans: [{ planId: plan.id, until: null }],
    lifecycle: 'active',
    version: 1,
  };
  const grants: PlanGrants = {
    tenantId: tenant.id,
    planId: plan.id,
    showIds: [show.id],
    episodeIds: [],
    version: 1,
  };
  await store.putIfNewer(redisKeys.subscriber(subscriber.id), access);
  await store.putIfNewer(redisKeys.plan(plan.id), grants);

  const token = issueAccessToken(keyring, {
    tenantId: tenant.id,
    subscriberId: subscriber.id,
    generation: credential.generation,
  });
  const premium = episodes[1]!;
  console.log(`demo tenant:      ${slug} (API key: ${apiSecret})`);
  console.log(`public feed:      ${publicBase}/p/${slug}/${show.slug}.xml`);
  console.log(`private feed:     ${publicBase}/f/${token}/${show.id}.xml`);
  console.log(
    `media (premium):  ${publicBase}/m/${token}/${premium.episode.id}/${premium.policy.media!.fileName}`,
  );
  console.log(`portal sign-in:   ${publicBase}/portal/${slug}/sign-in  (listener@example.com)`);
} finally {
  await prisma.$disconnect();
  redis.disconnect();
  s3.destroy();
}
