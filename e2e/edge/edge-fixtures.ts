import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createVersionedStore, type VersionedStore } from '@gatehouse/access-cache';
import {
  type EpisodePolicy,
  type OriginUrl,
  type PlanGrants,
  redisKeys,
  type SubscriberAccess,
  type TenantPolicy,
} from '@gatehouse/contracts';
import { type StackEnv, stackEnv, uniqueId } from '@gatehouse/testkit';
import { issueAccessToken, issueDownloadToken, parseKeyring } from '@gatehouse/tokens';
import { Redis } from 'ioredis';
import { E2E_ACTIVE_KID, E2E_TOKEN_KEYS } from '../support/platform.ts';

/**
 * Data for the edge tests, written where the real writers put it: objects uploaded to MinIO through
 * a presigned PUT (or into the protected directory), the records auth reads in Redis (what media's
 * write-through, the billing projector and media's origin presigner store), tokens minted with the
 * test keyring. Every world is a fresh tenant, so tests can share the stack.
 */
export interface World {
  env: StackEnv;
  redis: Redis;
  store: VersionedStore;
  s3: S3Client;
  close(): Promise<void>;
}

export function openWorld(): World {
  const env = stackEnv();
  const redis = new Redis(env.redisUrl, { maxRetriesPerRequest: 2 });
  const s3 = new S3Client({
    endpoint: env.s3.endpoint,
    region: env.s3.region,
    forcePathStyle: env.s3.forcePathStyle,
    credentials: { accessKeyId: env.s3.accessKeyId, secretAccessKey: env.s3.secretAccessKey },
  });
  return {
    env,
    redis,
    store: createVersionedStore(redis),
    s3,
    async close() {
      s3.destroy();
      redis.disconnect();
    },
  };
}

const keyring = parseKeyring(E2E_TOKEN_KEYS, E2E_ACTIVE_KID);

export function mintToken(tenantId: string, subscriberId: string, generation = 1): string {
  return issueAccessToken(keyring, { tenantId, subscriberId, generation });
}

/** A short-lived `/d/` download token (what auth's POST /v1/download-links issues). */
export function mintDownloadToken(subscriber: Subscriber, episodeId: string, expiresAt: number): string {
  const { tenantId, subscriberId, generation } = subscriber.record;
  return issueDownloadToken(keyring, { tenantId, subscriberId, generation, episodeId, expiresAt });
}

/** Deterministic pseudo-random bytes: a wrong byte anywhere in a response is caught. */
export function mediaBytes(size: number): Buffer {
  const seed = randomBytes(32);
  const out = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i += 32) seed.copy(out, i, 0, Math.min(32, size - i));
  for (let i = 0; i < size; i += 4096) out[i] = (i / 4096) & 0xff; // Offsets differ per page.
  return out;
}

export async function uploadViaPresignedPut(world: World, key: string, body: Buffer, contentType: string) {
  const url = await getSignedUrl(
    world.s3,
    new PutObjectCommand({ Bucket: world.env.s3.bucket, Key: key, ContentType: contentType }),
    { expiresIn: 600 },
  );
  const response = await fetch(url, { method: 'PUT', body, headers: { 'content-type': contentType } });
  if (!response.ok)
    throw new Error(`presigned PUT of ${key} failed: ${response.status} ${await response.text()}`);
}

/** What media's origin presigner keeps in Redis for an object (valid 6 h). */
export async function putOrigin(world: World, objectKey: string, url?: string) {
  const expiresIn = 6 * 3600;
  const presigned =
    url ??
    (await getSignedUrl(world.s3, new GetObjectCommand({ Bucket: world.env.s3.bucket, Key: objectKey }), {
      expiresIn,
    }));
  const record: OriginUrl = { objectKey, url: presigned, expiresAt: Date.now() + expiresIn * 1000 };
  await world.redis.set(redisKeys.origin(objectKey), JSON.stringify(record), 'PX', expiresIn * 1000);
  return presigned;
}

/** The protected directory the local driver serves (readable by the nginx workers). */
export function writeProtectedFile(world: World, objectKey: string, body: Buffer) {
  const root = path.join(world.env.stackDir, 'protected');
  const file = path.join(root, objectKey);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, body);
  for (let dir = path.dirname(file); dir.startsWith(root); dir = path.dirname(dir)) chmodSync(dir, 0o755);
  chmodSync(root, 0o755);
  chmodSync(file, 0o644);
  return file;
}

export interface Tenant {
  tenantId: string;
  showId: string;
  planId: string;
}

export async function createTenant(world: World): Promise<Tenant> {
  const tenant: Tenant = { tenantId: randomUUID(), showId: randomUUID(), planId: randomUUID() };
  const policy: TenantPolicy = { tenantId: tenant.tenantId, status: 'active', version: 1 };
  const plan: PlanGrants = {
    tenantId: tenant.tenantId,
    planId: tenant.planId,
    showIds: [tenant.showId],
    episodeIds: [],
    version: 1,
  };
  await world.store.putIfNewer(redisKeys.tenant(tenant.tenantId), policy);
  await world.store.putIfNewer(redisKeys.plan(tenant.planId), plan);
  return tenant;
}

export interface Subscriber {
  subscriberId: string;
  token: string;
  record: SubscriberAccess;
}

export async function createSubscriber(world: World, tenant: Tenant, options: { plans?: string[] } = {}) {
  const subscriberId = randomUUID();
  const record: SubscriberAccess = {
    tenantId: tenant.tenantId,
    subscriberId,
    generation: 1,
    plans: (options.plans ?? [tenant.planId]).map((planId) => ({ planId, until: null })),
    lifecycle: 'active',
    version: 1,
  };
  await world.store.putIfNewer(redisKeys.subscriber(subscriberId), record);
  return { subscriberId, token: mintToken(tenant.tenantId, subscriberId, 1), record } satisfies Subscriber;
}

/** What the billing projector writes when a subscription ends: no live plan any more. */
export async function revokeSubscriber(world: World, subscriber: Subscriber) {
  const next = {
    ...subscriber.record,
    plans: [],
    lifecycle: 'ended' as const,
    version: subscriber.record.version + 1,
  };
  await world.store.putIfNewer(redisKeys.subscriber(subscriber.subscriberId), next);
  subscriber.record = next;
}

export async function rotateSubscriber(world: World, subscriber: Subscriber) {
  const next = {
    ...subscriber.record,
    generation: subscriber.record.generation + 1,
    version: subscriber.record.version + 1,
  };
  await world.store.putIfNewer(redisKeys.subscriber(subscriber.subscriberId), next);
  subscriber.record = next;
}

export interface Episode {
  episodeId: string;
  objectKey: string;
  fileName: string;
  body: Buffer;
  policy: EpisodePolicy;
}

/** An uploaded, published premium episode of `tenant` on the given storage driver. */
export async function publishEpisode(
  world: World,
  tenant: Tenant,
  options: {
    storage: 's3' | 'local';
    size: number;
    status?: EpisodePolicy['status'];
    body?: Buffer;
    visibility?: EpisodePolicy['visibility'];
    publicFrom?: number | null;
  },
): Promise<Episode> {
  const episodeId = randomUUID();
  const fileName = 'episode.mp3';
  const objectKey = `e2e/${tenant.tenantId}/${uniqueId('obj')}/${fileName}`;
  const body = options.body ?? mediaBytes(options.size);
  if (options.storage === 's3') {
    await uploadViaPresignedPut(world, objectKey, body, 'audio/mpeg');
    await putOrigin(world, objectKey);
  } else {
    writeProtectedFile(world, objectKey, body);
  }
  const policy: EpisodePolicy = {
    tenantId: tenant.tenantId,
    showId: tenant.showId,
    episodeId,
    status: options.status ?? 'published',
    visibility: options.visibility ?? 'premium',
    publicFrom: options.publicFrom ?? null,
    publishedAt: Date.now() - 60_000,
    media: {
      storage: options.storage,
      objectKey,
      contentType: 'audio/mpeg',
      byteSize: body.length,
      fileName,
    },
    version: 1,
  };
  await world.store.putIfNewer(redisKeys.episode(episodeId), policy);
  return { episodeId, objectKey, fileName, body, policy };
}

export function mediaUrl(
  world: World,
  token: string,
  episode: Pick<Episode, 'episodeId' | 'fileName'>,
  base = world.env.edgeUrl,
) {
  return `${base}/m/${token}/${episode.episodeId}/${episode.fileName}`;
}

/**
 * The local stack's two media front doors on one media cache (nginx-ingress `media.authMode`):
 * the default decision cache (EDGE_URL) and the X-Accel-Redirect protocol (EDGE_XACCEL_URL).
 */
export interface FrontDoor {
  name: 'decision-cache' | 'x-accel';
  /** Base URL, or undefined when the stack does not serve this door (tests skip with the reason). */
  url: string | undefined;
}

export function frontDoors(env: { edgeUrl: string } = stackEnvUrls()): FrontDoor[] {
  return [
    { name: 'decision-cache', url: env.edgeUrl },
    { name: 'x-accel', url: process.env.EDGE_XACCEL_URL || undefined },
  ];
}

function stackEnvUrls() {
  return { edgeUrl: stackEnv().edgeUrl };
}

/** The token-less public media URL public feeds carry (docs/edge-protocol.md). */
export function publicMediaUrl(
  world: World,
  episode: Pick<Episode, 'episodeId' | 'fileName'>,
  base = world.env.edgeUrl,
) {
  return `${base}/pub/${episode.episodeId}/${episode.fileName}`;
}
