import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createVersionedStore } from '@gatehouse/access-cache';
import {
  type EpisodePolicy,
  type OriginUrl,
  type PlanGrants,
  redisKeys,
  type SubscriberAccess,
  type TenantPolicy,
} from '@gatehouse/contracts';
import { createLogger } from '@gatehouse/logging';
import { stackEnv } from '@gatehouse/testkit';
import { issueAccessToken, issueDownloadToken, parseKeyring } from '@gatehouse/tokens';
import { Redis } from 'ioredis';
import { createMediaOriginsClient } from '../src/adapters/media-origins.client.ts';
import { buildApp } from '../src/app.ts';

// Integration tests against the real Redis of the local stack; isolation by random UUIDs.
const redis = new Redis(stackEnv().redisUrl, { maxRetriesPerRequest: 1 });
const store = createVersionedStore(redis);
const logger = createLogger({ level: 'silent', service: 'auth-test' });
const keyring = parseKeyring(`k1:${randomBytes(32).toString('base64url')}`, 'k1');

// Every Redis read of the app goes through this wrapper of the real store, so a test can prove
// that no Redis command ran for a request.
let redisReads = 0;
const countingStore = {
  getMany<T>(keys: readonly string[]) {
    redisReads++;
    return store.getMany<T>(keys);
  },
};

// The media service's internal origins endpoint is our own interface (docs/edge-protocol.md); a
// small stub HTTP server of that interface stands in for it here. Storage itself is not faked:
// auth never talks to storage.
const INTERNAL_API_TOKEN = 'auth-test-internal-token-0123456789abcdef';
// The auth client's timeout for the stub below.
const MEDIA_TIMEOUT_MS = 1000;
let mediaCalls = 0;
let mediaMode: 'ok' | 'fail' | 'slow' = 'ok';
const stubMedia: Server = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk) => {
    body += chunk;
  });
  request.on('end', () => {
    mediaCalls++;
    // Like media: /internal/ answers 401 without the shared INTERNAL_API_TOKEN (every call here must carry it).
    if (request.headers.authorization !== `Bearer ${INTERNAL_API_TOKEN}`) {
      response.writeHead(401).end();
      return;
    }
    const { objectKey } = JSON.parse(body) as { objectKey: string };
    const answer = () => {
      if (mediaMode === 'fail') {
        response.writeHead(500).end();
        return;
      }
      // The shape media's origins route answers: { url, expiresAt }.
      const origin: Omit<OriginUrl, 'objectKey'> = {
        url: `http://127.0.0.1:59000/gatehouse-media/${objectKey}?X-Amz-Signature=issued`,
        expiresAt: clock + 6 * 3600_000,
      };
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(origin));
    };
    // 'ok' answers well inside the client's timeout even on a loaded machine (a 20 ms answer
    // against a 60 ms timeout failed under load); 'slow' answers well after it.
    if (mediaMode === 'slow') setTimeout(answer, 2 * MEDIA_TIMEOUT_MS);
    else setTimeout(answer, 20);
  });
});

let clock = Date.now();
const now = () => clock;
let app: ReturnType<typeof buildApp>;

const tenantId = randomUUID();
const otherTenantId = randomUUID();
const showId = randomUUID();
const planId = randomUUID();
const uniq = randomUUID();
const keyS3 = `t/${tenantId}/media/${uniq}/s3.mp3`;
const keyLocal = `t/${tenantId}/media/${uniq}/local.mp3`;
const keyMiss = `t/${tenantId}/media/${uniq}/miss.mp3`;
const storageUrl = `http://127.0.0.1:59000/gatehouse-media/${keyS3}?X-Amz-Signature=seeded`;

const subscriber = (over: Partial<SubscriberAccess> = {}): SubscriberAccess => ({
  tenantId,
  subscriberId: randomUUID(),
  generation: 1,
  plans: [{ planId, until: null }],
  lifecycle: 'active',
  version: 1,
  ...over,
});
const episode = (over: Partial<EpisodePolicy> = {}): EpisodePolicy => ({
  tenantId,
  showId,
  episodeId: randomUUID(),
  status: 'published',
  visibility: 'premium',
  publicFrom: null,
  publishedAt: clock - 60_000,
  media: {
    storage: 's3',
    objectKey: keyS3,
    contentType: 'audio/mpeg',
    byteSize: 1000,
    fileName: 'episode.mp3',
  },
  version: 1,
  ...over,
});

const subs = {
  paying: subscriber(),
  noPlan: subscriber({ plans: [], lifecycle: 'ended' }),
  cancelling: subscriber({ plans: [{ planId, until: clock + 60_000 }] }),
  rotated: subscriber({ generation: 2 }),
};
const eps = {
  s3: episode(),
  local: episode({
    media: {
      storage: 'local',
      objectKey: keyLocal,
      contentType: 'audio/mpeg',
      byteSize: 5,
      fileName: 'local.mp3',
    },
  }),
  miss: episode({
    media: { storage: 's3', objectKey: keyMiss, contentType: 'audio/mp4', byteSize: 9, fileName: 'miss.m4a' },
  }),
  publicEp: episode({ visibility: 'public' }),
  earlyAccessOver: episode({ publicFrom: clock - 1 }),
  earlyAccessRunning: episode({ publicFrom: clock + 3600_000 }),
  draft: episode({ status: 'draft' }),
  scheduled: episode({ publishedAt: clock + 3600_000 }),
  otherTenant: episode({ tenantId: otherTenantId }),
};
const plan: PlanGrants = { tenantId, planId, showIds: [showId], episodeIds: [], version: 1 };
const tenant: TenantPolicy = { tenantId, status: 'active', version: 1 };

const tokenFor = (sub: SubscriberAccess, over: Partial<{ tenantId: string; generation: number }> = {}) =>
  issueAccessToken(keyring, {
    tenantId: sub.tenantId,
    subscriberId: sub.subscriberId,
    generation: 1,
    ...over,
  });
const mediaUrl = (token: string, ep: EpisodePolicy, fileName = ep.media!.fileName) =>
  `/edge/media/${token}/${ep.episodeId}/${encodeURIComponent(fileName)}`;

// Every response the tests see is checked for leaks of object keys and storage URLs.
const seen: { status: number; headers: Record<string, unknown>; body: string }[] = [];
async function get(path: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET') {
  const response = await app.inject({ method, url: path, headers });
  seen.push({ status: response.statusCode, headers: response.headers, body: response.body });
  return response;
}

before(async () => {
  await new Promise<void>((resolve) => stubMedia.listen(0, '127.0.0.1', resolve));
  const mediaUrlBase = `http://127.0.0.1:${(stubMedia.address() as AddressInfo).port}`;
  app = buildApp({
    logger,
    readiness: [],
    keyring,
    store: countingStore,
    originIssuer: createMediaOriginsClient({
      baseUrl: mediaUrlBase,
      timeoutMs: MEDIA_TIMEOUT_MS,
      internalApiToken: INTERNAL_API_TOKEN,
    }),
    settings: { publicBaseUrl: 'https://edge.example' },
    now,
  });
  await app.ready();
  const ttl = 600_000;
  for (const sub of Object.values(subs))
    await store.putIfNewer(redisKeys.subscriber(sub.subscriberId), sub, ttl);
  for (const ep of Object.values(eps)) await store.putIfNewer(redisKeys.episode(ep.episodeId), ep, ttl);
  await store.putIfNewer(redisKeys.plan(planId), plan, ttl);
  await store.putIfNewer(redisKeys.tenant(tenantId), tenant, ttl);
  await redis.set(
    redisKeys.origin(keyS3),
    JSON.stringify({ objectKey: keyS3, url: storageUrl, expiresAt: clock + 6 * 3600_000 }),
    'PX',
    ttl,
  );
});

after(async () => {
  await app.close();
  await new Promise((resolve) => stubMedia.close(resolve));
  const keys = [
    ...Object.values(subs).map((s) => redisKeys.subscriber(s.subscriberId)),
    ...Object.values(eps).map((e) => redisKeys.episode(e.episodeId)),
    redisKeys.plan(planId),
    redisKeys.tenant(tenantId),
    redisKeys.origin(keyS3),
  ];
  await redis.del(...keys);
  await redis.quit();
});

describe('edge media answers', () => {
  test('200 for s3 with exact headers and an empty body; HEAD too', async () => {
    const response = await get(mediaUrl(tokenFor(subs.paying), eps.s3));
    assert.equal(response.statusCode, 200);
    assert.equal(response.body, '');
    assert.equal(response.headers['x-accel-redirect'], '/_gh/origin/s3');
    assert.equal(response.headers['x-media-origin'], storageUrl);
    assert.equal(response.headers['x-media-key'], keyS3);
    assert.equal(response.headers['content-type'], 'audio/mpeg');
    assert.equal(response.headers['content-disposition'], 'inline; filename="episode.mp3"');
    assert.equal(response.headers['cache-control'], 'private, max-age=3600');
    const head = await get(mediaUrl(tokenFor(subs.paying), eps.s3), {}, 'HEAD');
    assert.equal(head.statusCode, 200);
    assert.equal(head.headers['x-media-key'], keyS3);
  });

  test('200 for local storage: X-Accel-Redirect to the protected location, no origin header', async () => {
    const response = await get(mediaUrl(tokenFor(subs.paying), eps.local));
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['x-accel-redirect'], `/_gh/origin/local/${keyLocal}`);
    assert.equal(response.headers['x-media-key'], keyLocal);
    assert.equal(response.headers['x-media-origin'], undefined);
    assert.equal(response.body, '');
  });

  test('401 for forged, truncated and bit-flipped tokens, and no Redis command ran', async () => {
    const good = tokenFor(subs.paying);
    const bytes = Buffer.from(good, 'base64url');
    bytes[bytes.length - 1]! ^= 1;
    const flipped = bytes.toString('base64url');
    const forged = issueAccessToken(parseKeyring(`k1:${randomBytes(32).toString('base64url')}`, 'k1'), {
      tenantId,
      subscriberId: subs.paying.subscriberId,
      generation: 1,
    });
    const before = redisReads;
    for (const bad of [forged, good.slice(0, -2), flipped, 'x', `${good}A`]) {
      const response = await get(mediaUrl(bad, eps.s3));
      assert.equal(response.statusCode, 401, bad);
      assert.equal(response.headers['cache-control'], 'no-store');
      assert.match(response.headers['content-type'] as string, /^text\/plain/);
      assert.equal(response.body, 'invalid token');
    }
    assert.equal((await get(`/edge/media/${forged}/not-a-uuid/x.mp3`)).statusCode, 401, 'token first');
    assert.equal(redisReads, before, 'a forged token never reaches Redis');
  });

  test('403 for a token of another tenant and for a subscriber without a granting plan', async () => {
    const other = await get(mediaUrl(tokenFor(subs.paying), eps.otherTenant));
    assert.equal(other.statusCode, 403);
    const otherToken = await get(mediaUrl(tokenFor(subs.paying, { tenantId: otherTenantId }), eps.publicEp));
    assert.equal(otherToken.statusCode, 403);
    const noPlan = await get(mediaUrl(tokenFor(subs.noPlan), eps.s3));
    assert.equal(noPlan.statusCode, 403);
    assert.equal(noPlan.body, 'not entitled');
    assert.equal(noPlan.headers['cache-control'], 'no-store');
  });

  test('403 for a subscriber with no record (no cold path plugged in yet)', async () => {
    const ghost = subscriber();
    const response = await get(mediaUrl(tokenFor(ghost), eps.publicEp));
    assert.equal(response.statusCode, 403);
  });

  test('404 for unknown, unpublished, scheduled, wrong file name, or a non-UUID episode id', async () => {
    const token = tokenFor(subs.paying);
    assert.equal((await get(mediaUrl(token, episode()))).statusCode, 404, 'unknown');
    assert.equal((await get(mediaUrl(token, eps.draft))).statusCode, 404, 'draft');
    assert.equal((await get(mediaUrl(token, eps.scheduled))).statusCode, 404, 'scheduled');
    const wrong = await get(mediaUrl(token, eps.s3, 'other.mp3'));
    assert.equal(wrong.statusCode, 404);
    assert.equal(wrong.body, 'episode not found');
    assert.equal((await get(`/edge/media/${token}/not-a-uuid/x.mp3`)).statusCode, 404);
  });

  test('410 for a rotated token', async () => {
    const response = await get(mediaUrl(tokenFor(subs.rotated), eps.s3));
    assert.equal(response.statusCode, 410);
    assert.equal(response.headers['cache-control'], 'no-store');
    assert.equal((await get(mediaUrl(tokenFor(subs.rotated, { generation: 2 }), eps.s3))).statusCode, 200);
  });

  test('public and early-access-over episodes are open to any subscriber of the tenant', async () => {
    const token = tokenFor(subs.noPlan);
    assert.equal((await get(mediaUrl(token, eps.publicEp))).statusCode, 200);
    assert.equal((await get(mediaUrl(token, eps.earlyAccessOver))).statusCode, 200);
    assert.equal((await get(mediaUrl(token, eps.earlyAccessRunning))).statusCode, 403);
    assert.equal((await get(mediaUrl(tokenFor(subs.paying), eps.earlyAccessRunning))).statusCode, 200);
  });

  test('cancel at period end grants until `until`, then denies within the subscriber max age', async () => {
    const token = tokenFor(subs.cancelling);
    assert.equal((await get(mediaUrl(token, eps.s3))).statusCode, 200);
    const saved = clock;
    try {
      clock += 61_000;
      assert.equal((await get(mediaUrl(token, eps.s3))).statusCode, 403);
    } finally {
      clock = saved;
      app.accessCache.flush();
    }
  });

  test('revocation written to Redis lands within a second without any invalidation', async () => {
    const sub = subscriber();
    await store.putIfNewer(redisKeys.subscriber(sub.subscriberId), sub, 60_000);
    const token = tokenFor(sub);
    assert.equal((await get(mediaUrl(token, eps.s3))).statusCode, 200);
    await store.putIfNewer(redisKeys.subscriber(sub.subscriberId), { ...sub, plans: [], version: 2 }, 60_000);
    assert.equal((await get(mediaUrl(token, eps.s3))).statusCode, 200, 'still cached in process');
    clock += 1000;
    assert.equal((await get(mediaUrl(token, eps.s3))).statusCode, 403);
    await store.putIfNewer(redisKeys.subscriber(sub.subscriberId), { ...sub, version: 3 }, 60_000);
    app.accessCache.invalidate([redisKeys.subscriber(sub.subscriberId)]);
    assert.equal((await get(mediaUrl(token, eps.s3))).statusCode, 200, 'invalidate takes effect at once');
    await redis.del(redisKeys.subscriber(sub.subscriberId));
  });

  test('an origin miss asks media once for many concurrent requests, then serves from cache', async () => {
    mediaCalls = 0;
    mediaMode = 'ok';
    const token = tokenFor(subs.paying);
    const responses = await Promise.all(Array.from({ length: 20 }, () => get(mediaUrl(token, eps.miss))));
    for (const response of responses) {
      assert.equal(response.statusCode, 200);
      assert.equal(
        response.headers['x-media-origin'],
        `http://127.0.0.1:59000/gatehouse-media/${keyMiss}?X-Amz-Signature=issued`,
      );
      assert.equal(response.headers['x-media-key'], keyMiss);
      assert.equal(response.headers['content-disposition'], 'inline; filename="miss.m4a"');
    }
    assert.equal(mediaCalls, 1);
    await get(mediaUrl(token, eps.miss));
    assert.equal(mediaCalls, 1);
  });

  test('media failing or too slow → 503 with Retry-After: 1', async () => {
    app.accessCache.flush();
    const token = tokenFor(subs.paying);
    for (const mode of ['fail', 'slow'] as const) {
      mediaMode = mode;
      const response = await get(mediaUrl(token, eps.miss));
      assert.equal(response.statusCode, 503, mode);
      assert.equal(response.headers['retry-after'], '1');
      assert.equal(response.headers['cache-control'], 'no-store');
    }
    mediaMode = 'ok';
  });

  test('Redis down → 503 with Retry-After: 1, never a deny', async () => {
    const deadRedis = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    const downApp = buildApp({
      logger,
      readiness: [],
      keyring,
      store: createVersionedStore(deadRedis),
      originIssuer: { issue: () => Promise.reject(new Error('unused')) },
    });
    const response = await downApp.inject(mediaUrl(tokenFor(subs.paying), eps.s3));
    assert.equal(response.statusCode, 503);
    assert.equal(response.headers['retry-after'], '1');
    const feed = await downApp.inject({
      url: '/edge/authorize',
      headers: { 'x-original-uri': `/f/${tokenFor(subs.paying)}/${showId}.xml` },
    });
    assert.equal(feed.statusCode, 503);
    await downApp.close();
    deadRedis.disconnect();
  });
});

describe('download links (seed 004)', () => {
  test('issued only when entitled; the /d link grants, then expires with 410', async () => {
    const issued = await app.inject({
      method: 'POST',
      url: '/v1/download-links',
      headers: { authorization: `Bearer ${tokenFor(subs.paying)}` },
      payload: { episodeId: eps.s3.episodeId },
    });
    assert.equal(issued.statusCode, 200);
    assert.equal(issued.headers['cache-control'], 'no-store');
    const { url: link, expiresAt } = issued.json() as { url: string; expiresAt: number };
    assert.equal(expiresAt, Math.floor(clock / 1000) + 300);
    const match = /^https:\/\/edge\.example\/d\/([A-Za-z0-9_-]+)\/episode\.mp3$/.exec(link);
    assert.ok(match, link);
    const granted = await get(`/edge/download/${match[1]}/episode.mp3`);
    assert.equal(granted.statusCode, 200);
    assert.equal(granted.headers['x-media-origin'], storageUrl);
    assert.equal((await get(`/edge/download/${match[1]}/other.mp3`)).statusCode, 404);
    const saved = clock;
    clock = (expiresAt + 1) * 1000;
    try {
      const expired = await get(`/edge/download/${match[1]}/episode.mp3`);
      assert.equal(expired.statusCode, 410);
      assert.equal(expired.body, 'this link has expired');
    } finally {
      clock = saved;
      app.accessCache.flush();
    }
  });

  test('refused for a bad token (401), not entitled (403), unknown episode (404), rotated (410)', async () => {
    const post = (token: string, episodeId: string) =>
      app.inject({
        method: 'POST',
        url: '/v1/download-links',
        headers: { authorization: `Bearer ${token}` },
        payload: { episodeId },
      });
    assert.equal((await post('forged', eps.s3.episodeId)).statusCode, 401);
    const noAuth = await app.inject({
      method: 'POST',
      url: '/v1/download-links',
      payload: { episodeId: eps.s3.episodeId },
    });
    assert.equal(noAuth.statusCode, 401);
    const denied = await post(tokenFor(subs.noPlan), eps.s3.episodeId);
    assert.equal(denied.statusCode, 403);
    assert.equal(denied.json().error.code, 'FORBIDDEN');
    assert.equal((await post(tokenFor(subs.paying), randomUUID())).statusCode, 404);
    assert.equal((await post(tokenFor(subs.rotated), eps.s3.episodeId)).statusCode, 410);
    assert.equal((await post(tokenFor(subs.paying), 'nope')).statusCode, 400);
  });

  test('a forged or foreign-type download token is 401 without Redis', async () => {
    const before = redisReads;
    const accessAsDownload = await get(`/edge/download/${tokenFor(subs.paying)}/episode.mp3`);
    assert.equal(accessAsDownload.statusCode, 401);
    const other = parseKeyring(`k1:${randomBytes(32).toString('base64url')}`, 'k1');
    const forged = issueDownloadToken(other, {
      tenantId,
      subscriberId: subs.paying.subscriberId,
      generation: 1,
      episodeId: eps.s3.episodeId,
      expiresAt: Math.floor(clock / 1000) + 60,
    });
    assert.equal((await get(`/edge/download/${forged}/episode.mp3`)).statusCode, 401);
    assert.equal(redisReads, before);
  });
});

describe('auth_request for feeds', () => {
  const authorize = (uri: string | undefined, extra: Record<string, string> = {}) =>
    get('/edge/authorize', { ...(uri === undefined ? {} : { 'x-original-uri': uri }), ...extra });

  test('200 with identity headers from the token; spoofed identity headers are ignored', async () => {
    const spoof = {
      'x-gatehouse-tenant-id': otherTenantId,
      'x-gatehouse-subscriber-id': randomUUID(),
      'x-gatehouse-generation': '99',
    };
    const response = await authorize(`/f/${tokenFor(subs.paying)}/${showId}.xml?x=1`, spoof);
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['x-gatehouse-tenant-id'], tenantId);
    assert.equal(response.headers['x-gatehouse-subscriber-id'], subs.paying.subscriberId);
    assert.equal(response.headers['x-gatehouse-generation'], '1');
    // Spoofed headers alone never authorize anything.
    assert.equal((await authorize(undefined, spoof)).statusCode, 401);
    const media = await get(mediaUrl(tokenFor(subs.noPlan), eps.s3), {
      ...spoof,
      'x-gatehouse-subscriber-id': subs.paying.subscriberId,
    });
    assert.equal(media.statusCode, 403);
  });

  test('a subscriber without an active plan still gets the (lifecycle) feed', async () => {
    assert.equal((await authorize(`/f/${tokenFor(subs.noPlan)}/${showId}.xml`)).statusCode, 200);
  });

  test('401 without a feed URI or with a bad token; 403 rotated with the reason header; 403 unknown', async () => {
    const before = redisReads;
    assert.equal((await authorize(undefined)).statusCode, 401);
    assert.equal((await authorize(`/m/${tokenFor(subs.paying)}/${showId}.xml`)).statusCode, 401);
    assert.equal((await authorize(`/f/${tokenFor(subs.paying).slice(0, -1)}/${showId}.xml`)).statusCode, 401);
    assert.equal(redisReads, before);
    const rotated = await authorize(`/f/${tokenFor(subs.rotated)}/${showId}.xml`);
    assert.equal(rotated.statusCode, 403);
    assert.equal(rotated.headers['x-gatehouse-deny-reason'], 'rotated');
    const other = await authorize(`/f/${tokenFor(subs.paying, { tenantId: otherTenantId })}/${showId}.xml`);
    assert.equal(other.statusCode, 403);
    assert.equal(other.headers['x-gatehouse-deny-reason'], undefined);
    assert.equal((await authorize(`/f/${tokenFor(subscriber())}/${showId}.xml`)).statusCode, 403);
  });
});

describe('no leaks', () => {
  test('no body, and no header but X-Media-*, ever contains an object key or a storage URL', () => {
    assert.ok(seen.length > 40, `checked ${seen.length} responses`);
    const secrets = [keyS3, keyLocal, keyMiss, '127.0.0.1:59000', 'X-Amz-Signature', uniq];
    for (const response of seen) {
      for (const secret of secrets)
        assert.equal(response.body.includes(secret), false, `${response.status} body`);
      for (const [name, value] of Object.entries(response.headers)) {
        if (name === 'x-media-key' || name === 'x-media-origin') continue;
        // X-Accel-Redirect for local storage names the protected path; nginx consumes it and never forwards it.
        if (name === 'x-accel-redirect') continue;
        for (const secret of secrets)
          assert.equal(String(value).includes(secret), false, `${response.status} ${name}`);
      }
    }
  });
});
