import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type EpisodePolicy, type OriginUrl, redisKeys } from '@gatehouse/contracts';
import { createPrismaClient, type PrismaClient } from '@gatehouse/db';
import { createLogger } from '@gatehouse/logging';
import { LocalStorageDriver, S3StorageDriver, type StorageDriver } from '@gatehouse/storage';
import { createTenantWithApiKey, internalAuthorization } from '@gatehouse/tenant-keys';
import { stackEnv, uniqueId } from '@gatehouse/testkit';
import { Redis } from 'ioredis';
import { createRedisEpisodePolicyPublisher } from '../src/adapters/episode-policy.publisher.ts';
import { createRedisOriginUrlStore } from '../src/adapters/origin-url.store.ts';
import { buildApp } from '../src/app.ts';
import {
  MP3_FRAME_BYTES,
  MP3_SAMPLES_PER_FRAME,
  silentMp3,
} from '../src/domain/media-probe/audio-fixtures.ts';
import { createOriginUrlKeeper } from '../src/domain/origin-url-keeper.ts';

// Integration: real Postgres, Redis and MinIO from the local stack (`npm run up`, `.stack/env`).
const env = stackEnv();
const MiB = 1024 * 1024;
const logger = createLogger({ level: 'silent', service: 'media-test' });
const INTERNAL_TOKEN = 'media-test-internal-token-0123456789abcdef';
/** `POST /internal/v1/origins` as the auth service sends it (with the internal credential). */
const internalHeaders = { authorization: internalAuthorization(INTERNAL_TOKEN) };
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let prisma: PrismaClient;
let redis: Redis;
let s3: S3StorageDriver;

function makeApp(storage: StorageDriver) {
  return buildApp({
    logger,
    readiness: [],
    prisma,
    storage,
    policies: createRedisEpisodePolicyPublisher(redis),
    originKeeper: createOriginUrlKeeper({
      store: createRedisOriginUrlStore(redis),
      presign: (key, ttl) => storage.presignGet(key, ttl),
      ttlMs: 6 * 3600_000,
    }),
    notifyOutbox: () => {},
    internalApiToken: INTERNAL_TOKEN,
    // A 5 MiB threshold so a 6 MiB file exercises multipart (MinIO's minimum part size is 5 MiB).
    limits: {
      maxUploadBytes: 50 * MiB,
      multipartThresholdBytes: 5 * MiB,
      partSizeBytes: 5 * MiB,
      uploadUrlTtlSeconds: 600,
    },
  });
}

before(async () => {
  prisma = createPrismaClient(env.databaseUrl, { poolSize: 4 });
  redis = new Redis(env.redisUrl, { maxRetriesPerRequest: 1 });
  s3 = new S3StorageDriver(env.s3);
});
after(async () => {
  await prisma.$disconnect();
  redis.disconnect();
  s3.close();
});

type App = ReturnType<typeof makeApp>;
const call = (
  app: App,
  key: string,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT',
  url: string,
  body?: unknown,
) =>
  app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${key}` },
    ...(body === undefined ? {} : { payload: body as object }),
  });

async function showAndEpisode(app: App, key: string) {
  const show = await call(app, key, 'POST', '/api/v1/shows', { slug: uniqueId('show'), title: 'A show' });
  assert.equal(show.statusCode, 201, show.body);
  const episode = await call(app, key, 'POST', `/api/v1/shows/${show.json().id}/episodes`, {
    title: 'Episode 1',
  });
  assert.equal(episode.statusCode, 201, episode.body);
  return { showId: show.json().id as string, episodeId: episode.json().id as string };
}

async function objectKeyOf(uploadId: string) {
  return (await prisma.mediaAsset.findUniqueOrThrow({ where: { id: uploadId } })).objectKey;
}

describe('media API against Postgres, Redis and MinIO', () => {
  let app: App;
  let key: string;
  let otherKey: string;
  before(async () => {
    app = makeApp(s3);
    key = (await createTenantWithApiKey(prisma, { slug: uniqueId('tenant'), name: 'Tenant A' })).apiKey;
    otherKey = (await createTenantWithApiKey(prisma, { slug: uniqueId('tenant'), name: 'Tenant B' })).apiKey;
  });
  after(() => app.close());

  test('missing, malformed or wrong API keys get 401', async () => {
    assert.equal((await app.inject('/api/v1/shows')).statusCode, 401);
    assert.equal((await call(app, 'nope', 'GET', '/api/v1/shows')).statusCode, 401);
    const wrongSecret = key.slice(0, -4) + (key.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const response = await call(app, wrongSecret, 'GET', '/api/v1/shows');
    assert.equal(response.statusCode, 401);
    assert.equal(response.json().error.code, 'UNAUTHENTICATED');
    assert.equal(
      (await call(app, `ghk_000000000000_${'A'.repeat(43)}`, 'GET', '/api/v1/shows')).statusCode,
      401,
    );
  });

  test('presigned PUT of an MP3, complete → ready with size, type and duration; publish writes growing policies', async () => {
    const { episodeId } = await showAndEpisode(app, key);
    const mp3 = silentMp3({ frames: 400, id3: true });
    const created = await call(app, key, 'POST', `/api/v1/episodes/${episodeId}/uploads`, {
      fileName: 'Folge 1: Grüße.mp3',
      byteSize: mp3.length,
      sha256: sha256(mp3),
      contentType: 'audio/mpeg',
    });
    assert.equal(created.statusCode, 201, created.body);
    const instructions = created.json();
    assert.equal(instructions.kind, 'single');
    const put = await fetch(instructions.put.url, {
      method: 'PUT',
      headers: instructions.put.headers,
      body: mp3,
    });
    assert.equal(put.status, 200, await put.text());

    const early = await call(app, key, 'POST', `/api/v1/episodes/${episodeId}/publish`, {});
    assert.equal(early.statusCode, 409, 'no publish before the media is ready');

    const done = await call(app, key, 'POST', `/api/v1/uploads/${instructions.upload.id}/complete`, {});
    assert.equal(done.statusCode, 200, done.body);
    const expectedSeconds = Math.round((400 * MP3_FRAME_BYTES * 8) / 128000); // CBR estimate
    assert.deepEqual(
      {
        status: done.json().status,
        contentType: done.json().contentType,
        byteSize: done.json().byteSize,
        fileName: done.json().fileName,
      },
      { status: 'ready', contentType: 'audio/mpeg', byteSize: mp3.length, fileName: 'Folge-1-Grusse.mp3' },
    );
    assert.ok(
      Math.abs(done.json().durationSeconds - expectedSeconds) <= 1,
      `duration ${done.json().durationSeconds}`,
    );
    assert.ok(Math.abs(done.json().durationSeconds - (400 * MP3_SAMPLES_PER_FRAME) / 44100) <= 1);
    assert.equal(
      (await call(app, key, 'POST', `/api/v1/uploads/${instructions.upload.id}/complete`, {})).statusCode,
      409,
    );

    const episode = (await call(app, key, 'GET', `/api/v1/episodes/${episodeId}`)).json();
    assert.equal(episode.media.uploadId, instructions.upload.id);
    const objectKey = await objectKeyOf(instructions.upload.id);
    assert.ok(!JSON.stringify(episode).includes(objectKey), 'object keys stay internal');

    const readPolicy = async () =>
      JSON.parse((await redis.get(redisKeys.episode(episodeId))) ?? 'null') as EpisodePolicy;
    const draft = await readPolicy();
    assert.equal(draft.status, 'draft');
    assert.equal(draft.media?.objectKey, objectKey);

    assert.equal((await call(app, key, 'POST', `/api/v1/episodes/${episodeId}/publish`)).statusCode, 200);
    const published = await readPolicy();
    assert.equal(published.status, 'published');
    assert.ok(published.version > draft.version);
    assert.equal(published.lifecycle, 'none');
    const future = new Date(Date.now() + 86_400_000).toISOString();
    assert.equal(
      (
        await call(app, key, 'PATCH', `/api/v1/episodes/${episodeId}`, {
          earlyAccessUntil: future,
          lifecycleKind: 'welcome',
        })
      ).statusCode,
      200,
    );
    // Found by schemathesis: a pre-1970 date is valid RFC 3339 but not a policy's epoch ms (≥ 0); it
    // was stored, and the next write of the episode failed with a 500 (invalid event).
    for (const body of [
      { earlyAccessUntil: '0443-05-09T07:48:43Z' },
      { earlyAccessUntil: '1969-12-31T23:59:59Z' },
    ]) {
      const refused = await call(app, key, 'PATCH', `/api/v1/episodes/${episodeId}`, body);
      assert.equal(refused.statusCode, 400, refused.body);
    }
    const oldPublish = await call(app, key, 'POST', `/api/v1/episodes/${episodeId}/publish`, {
      publishedAt: '1900-01-01T00:00:00Z',
    });
    assert.equal(oldPublish.statusCode, 400, oldPublish.body);
    // Also found by schemathesis: U+0000, which Postgres text cannot hold, was a 500 at insert.
    const nul = await call(app, key, 'PATCH', `/api/v1/episodes/${episodeId}`, {
      transcriptType: 'a\u0000b',
    });
    assert.equal(nul.statusCode, 400, nul.body);
    const early2 = await readPolicy();
    assert.ok(early2.version > published.version);
    assert.equal(early2.publicFrom, Date.parse(future));
    assert.equal(early2.lifecycle, 'welcome', 'the write-through carries the lifecycle kind');
    assert.equal((await call(app, key, 'POST', `/api/v1/episodes/${episodeId}/unpublish`)).statusCode, 200);
    const unpublished = await readPolicy();
    assert.equal(unpublished.status, 'draft');
    assert.ok(unpublished.version > early2.version);
    assert.equal((await call(app, key, 'DELETE', `/api/v1/episodes/${episodeId}`)).statusCode, 200);
    assert.equal((await readPolicy()).status, 'removed');

    const outbox = await prisma.outboxMessage.findMany({
      where: { payload: { path: ['policy', 'episodeId'], equals: episodeId } },
      orderBy: { createdAt: 'asc' },
    });
    assert.deepEqual(
      outbox.map((row) => row.subject),
      [
        'gh.media.episode.updated.v1',
        'gh.media.episode.published.v1',
        'gh.media.episode.updated.v1',
        'gh.media.episode.updated.v1',
        'gh.media.episode.removed.v1',
      ],
    );
    for (const row of outbox) assert.equal(row.msgId, (row.payload as { eventId: string }).eventId);
    assert.deepEqual(
      outbox.map((row) => (row.payload as { policy: EpisodePolicy }).policy.lifecycle),
      ['none', 'none', 'welcome', 'welcome', 'welcome'],
      'the media events carry the lifecycle kind too',
    );
  });

  test('a checksum mismatch answers 422 and marks nothing ready', async () => {
    const { episodeId } = await showAndEpisode(app, key);
    const mp3 = silentMp3({ frames: 50 });
    const created = (
      await call(app, key, 'POST', `/api/v1/episodes/${episodeId}/uploads`, {
        fileName: 'a.mp3',
        byteSize: mp3.length,
        sha256: sha256(silentMp3({ frames: 51 })), // not the bytes that will be uploaded
        contentType: 'audio/mpeg',
      })
    ).json();
    assert.equal(
      (await fetch(created.put.url, { method: 'PUT', headers: created.put.headers, body: mp3 })).status,
      200,
    );
    const done = await call(app, key, 'POST', `/api/v1/uploads/${created.upload.id}/complete`, {});
    assert.equal(done.statusCode, 422);
    assert.equal(done.json().error.details.reason, 'checksum_mismatch');
    assert.equal(
      (await call(app, key, 'GET', `/api/v1/uploads/${created.upload.id}`)).json().status,
      'failed',
    );
    assert.equal((await call(app, key, 'GET', `/api/v1/episodes/${episodeId}`)).json().media, null);
    assert.equal(
      await s3.head(await objectKeyOf(created.upload.id)),
      undefined,
      'the rejected object is deleted',
    );
  });

  test('bad uploads: traversal file name 400, too large 413, not audio 415', async () => {
    const { episodeId } = await showAndEpisode(app, key);
    const base = { byteSize: 10, sha256: 'a'.repeat(64), contentType: 'audio/mpeg' };
    const traversal = await call(app, key, 'POST', `/api/v1/episodes/${episodeId}/uploads`, {
      ...base,
      fileName: '../../etc/passwd',
    });
    assert.equal(traversal.statusCode, 400);
    const tooLarge = await call(app, key, 'POST', `/api/v1/episodes/${episodeId}/uploads`, {
      ...base,
      fileName: 'a.mp3',
      byteSize: 51 * MiB,
    });
    assert.equal(tooLarge.statusCode, 413);
    const extra = await call(app, key, 'POST', `/api/v1/episodes/${episodeId}/uploads`, {
      ...base,
      fileName: 'a.mp3',
      admin: true,
    });
    assert.equal(extra.statusCode, 400);
    const text = new TextEncoder().encode('this is not audio, just text. '.repeat(20));
    const created = (
      await call(app, key, 'POST', `/api/v1/episodes/${episodeId}/uploads`, {
        ...base,
        fileName: 'a.mp3',
        byteSize: text.length,
        sha256: sha256(text),
      })
    ).json();
    await fetch(created.put.url, { method: 'PUT', headers: created.put.headers, body: text });
    const done = await call(app, key, 'POST', `/api/v1/uploads/${created.upload.id}/complete`, {});
    assert.equal(done.statusCode, 415);
    assert.equal(done.json().error.code, 'UNSUPPORTED_MEDIA_TYPE');
  });

  test('multipart upload of a 6 MiB file, then the kept presigned GET downloads the same bytes', async () => {
    const { episodeId } = await showAndEpisode(app, key);
    const mp3 = silentMp3({ frames: Math.ceil((6 * MiB) / MP3_FRAME_BYTES), xing: true });
    const created = await call(app, key, 'POST', `/api/v1/episodes/${episodeId}/uploads`, {
      fileName: 'long.mp3',
      byteSize: mp3.length,
      sha256: sha256(mp3),
      contentType: 'audio/mpeg',
    });
    assert.equal(created.statusCode, 201, created.body);
    const plan = created.json();
    assert.equal(plan.kind, 'multipart');
    assert.equal(plan.multipart.parts.length, 2);
    const parts = [];
    for (const part of plan.multipart.parts) {
      const response = await fetch(part.url, { method: 'PUT', body: mp3.subarray(part.start, part.end + 1) });
      assert.equal(response.status, 200, await response.text());
      parts.push({ partNumber: part.partNumber, etag: response.headers.get('etag') ?? '' });
    }
    const done = await call(app, key, 'POST', `/api/v1/uploads/${plan.upload.id}/complete`, { parts });
    assert.equal(done.statusCode, 200, done.body);
    assert.equal(done.json().byteSize, mp3.length);
    const frames = Math.ceil((6 * MiB) / MP3_FRAME_BYTES) - 1;
    assert.equal(done.json().durationSeconds, Math.round((frames * MP3_SAMPLES_PER_FRAME) / 44100));

    const objectKey = await objectKeyOf(plan.upload.id);
    // Without the internal credential, or with a wrong one: 401 before anything is looked up or signed.
    for (const headers of [
      {},
      { authorization: 'Bearer wrong-internal-token-0123456789abcdef' },
      { authorization: `Bearer ${key}` },
    ]) {
      const refused = await app.inject({
        method: 'POST',
        url: '/internal/v1/origins',
        headers,
        payload: { objectKey },
      });
      assert.equal(refused.statusCode, 401, refused.body);
    }
    const origin = await app.inject({
      method: 'POST',
      url: '/internal/v1/origins',
      headers: internalHeaders,
      payload: { objectKey },
    });
    assert.equal(origin.statusCode, 200, origin.body);
    const kept = JSON.parse((await redis.get(redisKeys.origin(objectKey))) ?? 'null') as OriginUrl;
    assert.equal(kept.url, origin.json().url);
    assert.ok(kept.expiresAt > Date.now() + 5 * 3600_000);
    const download = await fetch(kept.url);
    assert.equal(download.status, 200);
    assert.equal(sha256(new Uint8Array(await download.arrayBuffer())), sha256(mp3));
    assert.equal(
      (
        await app.inject({
          method: 'POST',
          url: '/internal/v1/origins',
          headers: internalHeaders,
          payload: { objectKey: 't/unknown/x.mp3' },
        })
      ).statusCode,
      404,
    );
    assert.equal(
      (
        await app.inject({
          method: 'POST',
          url: '/internal/v1/origins',
          headers: internalHeaders,
          payload: { objectKey: '../x' },
        })
      ).statusCode,
      400,
    );
  });

  test("another tenant's key sees none of this tenant's rows (404)", async () => {
    const { showId, episodeId } = await showAndEpisode(app, key);
    assert.equal((await call(app, otherKey, 'GET', `/api/v1/episodes/${episodeId}`)).statusCode, 404);
    assert.equal((await call(app, otherKey, 'GET', `/api/v1/shows/${showId}`)).statusCode, 404);
    assert.equal(
      (await call(app, otherKey, 'PATCH', `/api/v1/episodes/${episodeId}`, { title: 'x' })).statusCode,
      404,
    );
    assert.equal(
      (await call(app, otherKey, 'POST', `/api/v1/episodes/${episodeId}/publish`, {})).statusCode,
      404,
    );
    assert.equal((await call(app, otherKey, 'DELETE', `/api/v1/episodes/${episodeId}`)).statusCode, 404);
    assert.equal((await call(app, otherKey, 'GET', `/api/v1/shows/${showId}/episodes`)).statusCode, 404);
    const upload = await call(app, otherKey, 'POST', `/api/v1/episodes/${episodeId}/uploads`, {
      fileName: 'a.mp3',
      byteSize: 10,
      sha256: 'a'.repeat(64),
      contentType: 'audio/mpeg',
    });
    assert.equal(upload.statusCode, 404);
    const mine = await call(app, key, 'POST', `/api/v1/episodes/${episodeId}/uploads`, {
      fileName: 'a.mp3',
      byteSize: 10,
      sha256: 'a'.repeat(64),
      contentType: 'audio/mpeg',
    });
    assert.equal(
      (await call(app, otherKey, 'POST', `/api/v1/uploads/${mine.json().upload.id}/complete`, {})).statusCode,
      404,
    );
    const theirShows = (await call(app, otherKey, 'GET', '/api/v1/shows')).json();
    assert.ok(!theirShows.items.some((show: { id: string }) => show.id === showId));
    assert.equal((await call(app, key, 'GET', `/api/v1/episodes/${episodeId}`)).statusCode, 200);
  });

  test('custom domains: validated, unique, tenant-scoped', async () => {
    const hostname = `${uniqueId('pod')}.example.com`;
    const created = await call(app, key, 'POST', '/api/v1/domains', { hostname: hostname.toUpperCase() });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.json().hostname, hostname);
    assert.equal(created.json().status, 'pending');
    assert.equal((await call(app, otherKey, 'POST', '/api/v1/domains', { hostname })).statusCode, 409);
    assert.equal(
      (await call(app, key, 'POST', '/api/v1/domains', { hostname: 'http://x.com/a' })).statusCode,
      400,
    );
    assert.equal(
      (await call(app, otherKey, 'DELETE', `/api/v1/domains/${created.json().id}`)).statusCode,
      404,
    );
    const removed = await call(app, key, 'DELETE', `/api/v1/domains/${created.json().id}`);
    assert.equal(removed.json().status, 'removing');
  });
});

test('the local protected-directory driver end to end: streamed PUT, atomic file, finalize', async () => {
  const root = await mkdtemp(join(tmpdir(), 'gh-media-local-'));
  let base = '';
  const local = new LocalStorageDriver({
    root,
    uploadUrlFor: (id) => `${base}/api/v1/uploads/${id}/content`,
  });
  const app = makeApp(local);
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const { apiKey } = await createTenantWithApiKey(prisma, { slug: uniqueId('tenant'), name: 'Local' });
    const { episodeId } = await showAndEpisode(app, apiKey);
    const mp3 = silentMp3({ frames: 120 });
    const created = await call(app, apiKey, 'POST', `/api/v1/episodes/${episodeId}/uploads`, {
      fileName: 'local.mp3',
      byteSize: mp3.length,
      sha256: sha256(mp3),
      contentType: 'audio/mpeg',
    });
    assert.equal(created.statusCode, 201, created.body);
    const { put, upload } = created.json();
    assert.equal(put.url, `${base}/api/v1/uploads/${upload.id}/content`);
    const unauthorized = await fetch(put.url, { method: 'PUT', headers: put.headers, body: mp3 });
    assert.equal(unauthorized.status, 401);
    const tooBig = await fetch(put.url, {
      method: 'PUT',
      headers: { ...put.headers, authorization: `Bearer ${apiKey}` },
      body: new Uint8Array(mp3.length + 1),
    });
    assert.equal(tooBig.status, 413);
    const sent = await fetch(put.url, {
      method: 'PUT',
      headers: { ...put.headers, authorization: `Bearer ${apiKey}` },
      body: mp3,
    });
    assert.equal(sent.status, 200, await sent.text());
    const done = await call(app, apiKey, 'POST', `/api/v1/uploads/${upload.id}/complete`, {});
    assert.equal(done.statusCode, 200, done.body);
    assert.equal(done.json().contentType, 'audio/mpeg');
    const objectKey = await objectKeyOf(upload.id);
    assert.deepEqual(new Uint8Array(await readFile(join(root, objectKey))), mp3);
    assert.equal(
      (await call(app, apiKey, 'POST', `/api/v1/episodes/${episodeId}/publish`, {})).statusCode,
      200,
    );
    const policy = JSON.parse((await redis.get(redisKeys.episode(episodeId))) ?? 'null') as EpisodePolicy;
    assert.deepEqual(policy.media, {
      storage: 'local',
      objectKey,
      contentType: 'audio/mpeg',
      byteSize: mp3.length,
      fileName: 'local.mp3',
    });
    assert.equal(
      (
        await app.inject({
          method: 'POST',
          url: '/internal/v1/origins',
          headers: internalHeaders,
          payload: { objectKey },
        })
      ).statusCode,
      404,
    );
  } finally {
    await app.close();
    await rm(root, { recursive: true, force: true });
  }
});
