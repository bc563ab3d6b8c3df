import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before } from 'node:test';
import { crc32, deflateSync } from 'node:zlib';
import { createPrismaClient, type PrismaClient } from '@gatehouse/db';
import { createLogger } from '@gatehouse/logging';
import { S3StorageDriver, type StorageDriver } from '@gatehouse/storage';
import { createTenantWithApiKey } from '@gatehouse/tenant-keys';
import { stackEnv, uniqueId } from '@gatehouse/testkit';
import { Redis } from 'ioredis';
import { createRedisEpisodePolicyPublisher } from '../../src/adapters/episode-policy.publisher.ts';
import { createRedisOriginUrlStore } from '../../src/adapters/origin-url.store.ts';
import { buildApp, type MediaAppDeps } from '../../src/app.ts';
import { silentMp3 } from '../../src/domain/media-probe/audio-fixtures.ts';
import { createOriginUrlKeeper } from '../../src/domain/origin-url-keeper.ts';

/** The media app on the local stack's Postgres, Redis and MinIO, for the integration tests. */
export const env = stackEnv();
export const MiB = 1024 * 1024;
export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export interface Parts {
  prisma: PrismaClient;
  redis: Redis;
  s3: S3StorageDriver;
  close(): Promise<void>;
}

export function connectParts(): Parts {
  const prisma = createPrismaClient(env.databaseUrl, { poolSize: 4 });
  const redis = new Redis(env.redisUrl, { maxRetriesPerRequest: 1 });
  const s3 = new S3StorageDriver(env.s3);
  return {
    prisma,
    redis,
    s3,
    async close() {
      await prisma.$disconnect();
      redis.disconnect();
      s3.close();
    },
  };
}

/** A 5 MiB threshold and part size, so a few MiB exercise multipart (MinIO's minimum part is 5 MiB). */
export function makeApp(
  parts: Parts,
  overrides: Partial<MediaAppDeps> = {},
  storage: StorageDriver = parts.s3,
) {
  return buildApp({
    logger: createLogger({ level: 'silent', service: 'media-test' }),
    readiness: [],
    prisma: parts.prisma,
    storage,
    policies: createRedisEpisodePolicyPublisher(parts.redis),
    originKeeper: createOriginUrlKeeper({
      store: createRedisOriginUrlStore(parts.redis),
      presign: (key, ttl) => storage.presignGet(key, ttl),
      ttlMs: 6 * 3600_000,
    }),
    notifyOutbox: () => {},
    internalApiToken: 'media-test-internal-token-0123456789abcdef',
    limits: {
      maxUploadBytes: 50 * MiB,
      multipartThresholdBytes: 5 * MiB,
      partSizeBytes: 5 * MiB,
      uploadUrlTtlSeconds: 600,
    },
    ...overrides,
  });
}

export type App = ReturnType<typeof makeApp>;

/** A fresh tenant and its API key. */
export async function newTenant(parts: Parts, name = 'Tenant') {
  return createTenantWithApiKey(parts.prisma, { slug: uniqueId('tenant'), name });
}

export function caller(app: App, key: string) {
  return (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT',
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${key}`, ...headers },
      ...(body === undefined ? {} : { payload: body as object }),
    });
}
export type Call = ReturnType<typeof caller>;

export async function showAndEpisode(call: Call) {
  const show = await call('POST', '/api/v1/shows', { slug: uniqueId('show'), title: 'A show' });
  assert.equal(show.statusCode, 201, show.body);
  const episode = await call('POST', `/api/v1/shows/${show.json().id}/episodes`, { title: 'Episode 1' });
  assert.equal(episode.statusCode, 201, episode.body);
  return { showId: show.json().id as string, episodeId: episode.json().id as string };
}

/** A real PNG (all black) of the given size: IHDR, one zlib-compressed IDAT, IEND. */
export function pngImage(width: number, height: number): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows = Buffer.alloc((width * 3 + 1) * height); // filter byte 0 + black pixels per row
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', header),
      chunk('IDAT', deflateSync(rows)),
      chunk('IEND', new Uint8Array(0)),
    ]),
  );
}

/** The start of a baseline JPEG (SOI, an APP0, SOF0 with the size): enough for a type/size check. */
export function jpegHeader(width: number, height: number): Uint8Array {
  const app0 = [
    0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0, 0,
  ];
  const sof0 = [0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x03];
  return Uint8Array.from([0xff, 0xd8, ...app0, ...sof0, ...new Array(9).fill(0), 0xff, 0xd9]);
}

/** A show and an episode with a ready MP3 (single PUT to MinIO, completed). */
export async function readyEpisode(call: Call) {
  const ids = await showAndEpisode(call);
  const mp3 = silentMp3({ frames: 60 });
  const started = await call('POST', `/api/v1/episodes/${ids.episodeId}/uploads`, {
    fileName: 'episode.mp3',
    byteSize: mp3.length,
    contentType: 'audio/mpeg',
  });
  assert.equal(started.statusCode, 201, started.body);
  const { put, upload } = started.json();
  assert.equal((await fetch(put.url, { method: 'PUT', headers: put.headers, body: mp3 })).status, 200);
  const done = await call('POST', `/api/v1/uploads/${upload.id}/complete`, {});
  assert.equal(done.statusCode, 200, done.body);
  return ids;
}

/** Inside a describe: the app and two tenants (`call`, `otherCall`), set up before and closed after. */
export function useMediaApp(overrides: Partial<MediaAppDeps> = {}) {
  const context = {} as { parts: Parts; app: App; call: Call; otherCall: Call };
  before(async () => {
    context.parts = connectParts();
    context.app = makeApp(context.parts, overrides);
    context.call = caller(context.app, (await newTenant(context.parts, 'Tenant A')).apiKey);
    context.otherCall = caller(context.app, (await newTenant(context.parts, 'Tenant B')).apiKey);
  });
  after(async () => {
    await context.app.close();
    await context.parts.close();
  });
  return context;
}
