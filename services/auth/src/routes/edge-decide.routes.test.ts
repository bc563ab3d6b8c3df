import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type EpisodePolicy, redisKeys, type SubscriberAccess } from '@gatehouse/contracts';
import { createLogger } from '@gatehouse/logging';
import { issueAccessToken, issueDownloadToken, parseKeyring } from '@gatehouse/tokens';
import { buildApp } from '../app.ts';

// The auth_request answers (docs/edge-protocol.md, "Media: the cached decision") over an in-memory
// double of our own RecordSource interface; the Redis-backed paths are covered by test/ and e2e/.
const keyring = parseKeyring(`k1:${randomBytes(32).toString('base64url')}`, 'k1');
const now = 1_800_000_000_000;
const tenantId = randomUUID();
const showId = randomUUID();
const records = new Map<string, unknown>();
let sourceDown = false;
const source = {
  async getMany<T>(keys: readonly string[]) {
    if (sourceDown) throw new Error('redis down');
    return keys.map((key) => records.get(key) as T | undefined);
  },
};
const app = buildApp({
  logger: createLogger({ level: 'silent', service: 'auth-test' }),
  readiness: [],
  keyring,
  store: source,
  originIssuer: {
    issue: async (objectKey) => ({
      objectKey,
      url: `http://s3.test/b/${objectKey}?sig=1`,
      expiresAt: now + 6 * 3600_000,
    }),
  },
  settings: { subscriberMaxAgeMs: 0, policyMaxAgeMs: 0 },
  now: () => now,
});

const sub: SubscriberAccess = {
  tenantId,
  subscriberId: randomUUID(),
  generation: 2,
  plans: [],
  lifecycle: 'none',
  version: 1,
};
const episode = (over: Partial<EpisodePolicy> = {}): EpisodePolicy => ({
  tenantId,
  showId,
  episodeId: randomUUID(),
  status: 'published',
  visibility: 'public',
  publicFrom: null,
  publishedAt: now - 1000,
  media: {
    storage: 's3',
    objectKey: 'o/k1.mp3',
    contentType: 'audio/mpeg',
    byteSize: 1234,
    fileName: 'ep.mp3',
  },
  version: 1,
  ...over,
});
const eps = {
  open: episode(),
  local: episode({
    media: {
      storage: 'local',
      objectKey: 'o/k2.mp3',
      contentType: 'audio/mp4',
      byteSize: 9,
      fileName: 'ep.m4a',
    },
  }),
  premium: episode({ visibility: 'premium' }),
  draft: episode({ status: 'draft' }),
};
const token = (generation = 2) =>
  issueAccessToken(keyring, { tenantId, subscriberId: sub.subscriberId, generation });
const get = (url: string) => app.inject({ method: 'GET', url });

before(async () => {
  records.set(redisKeys.subscriber(sub.subscriberId), sub);
  for (const ep of Object.values(eps)) records.set(redisKeys.episode(ep.episodeId), ep);
  await app.ready();
});
after(() => app.close());

describe('/edge/decide/media', () => {
  test('grant: 200, empty, target + origin + key + size + the client headers', async () => {
    const r = await get(`/edge/decide/media/${token()}/${eps.open.episodeId}/ep.mp3`);
    assert.equal(r.statusCode, 200);
    assert.equal(r.body, '');
    assert.equal(r.headers['x-media-target'], '/_gh/origin/s3');
    assert.equal(r.headers['x-media-origin'], 'http://s3.test/b/o/k1.mp3?sig=1');
    assert.equal(r.headers['x-media-key'], 'o/k1.mp3');
    assert.equal(r.headers['x-media-size'], '1234');
    assert.equal(r.headers['content-type'], 'audio/mpeg');
    assert.equal(r.headers['content-disposition'], 'inline; filename="ep.mp3"');
    assert.equal(r.headers['x-accel-redirect'], undefined, 'nginx must not redirect the subrequest');
    const local = await get(`/edge/decide/media/${token()}/${eps.local.episodeId}/ep.m4a`);
    assert.equal(local.headers['x-media-target'], '/_gh/origin/local/o/k2.mp3');
    assert.equal(local.headers['x-media-origin'], undefined);
  });

  test('denies travel as 401/403 with the real status in X-Media-Deny-Status', async () => {
    const cases: [string, number, number][] = [
      [`/edge/decide/media/${'x'.repeat(60)}/${eps.open.episodeId}/ep.mp3`, 401, 401],
      [`/edge/decide/media/${token()}/not-a-uuid/ep.mp3`, 403, 404],
      [`/edge/decide/media/${token()}/${eps.draft.episodeId}/ep.mp3`, 403, 404],
      [`/edge/decide/media/${token()}/${eps.premium.episodeId}/ep.mp3`, 403, 403],
      [`/edge/decide/media/${token(1)}/${eps.open.episodeId}/ep.mp3`, 403, 410],
    ];
    for (const [url, status, deny] of cases) {
      const r = await get(url);
      assert.equal(r.statusCode, status, url);
      assert.equal(r.headers['x-media-deny-status'], String(deny), url);
      assert.ok(String(r.headers['x-media-deny-reason']).length > 0);
      assert.equal(r.headers['cache-control'], 'no-store');
    }
  });

  // Found by schemathesis: a segment over maxParamLength was a 400 here, which nginx's auth_request
  // turns into a 5xx for the client. Like an undecodable path, it matches no episode.
  test('a path segment over 1024 characters is a deny (403, deny status 404), not a 400', async () => {
    const long = 'x'.repeat(1025);
    for (const url of [
      `/edge/decide/media/${long}/${eps.open.episodeId}/ep.mp3`,
      `/edge/decide/media/${token()}/${eps.open.episodeId}/${long}`,
    ]) {
      const r = await get(url);
      assert.equal(r.statusCode, 403, url.slice(0, 60));
      assert.equal(r.headers['x-media-deny-status'], '404');
    }
    // Off the decide hop it stays the declared 400 (edgeDenyResponses).
    const direct = await get(`/edge/media/${long}/${eps.open.episodeId}/ep.mp3`);
    assert.equal(direct.statusCode, 400);
  });

  test('records unreadable → 403 + deny status 503, never a plain deny', async () => {
    sourceDown = true;
    try {
      const r = await get(`/edge/decide/media/${token()}/${eps.open.episodeId}/ep.mp3`);
      assert.equal(r.statusCode, 403);
      assert.equal(r.headers['x-media-deny-status'], '503');
    } finally {
      sourceDown = false;
    }
  });
});

describe('/edge/authorize (private feeds): the deny status for nginx', () => {
  const authorize = (uri: string | undefined) =>
    app.inject({
      method: 'GET',
      url: '/edge/authorize',
      headers: uri === undefined ? {} : { 'x-original-uri': uri },
    });

  test('grant 200 names no deny status; denies are 401/403 with the real status (410 for a reset link)', async () => {
    const ok = await authorize(`/f/${token()}/${showId}.xml`);
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.headers['x-gatehouse-deny-status'], undefined);
    const cases: [string | undefined, number, string, string | undefined][] = [
      [undefined, 401, '401', undefined],
      [`/f/${'x'.repeat(60)}/${showId}.xml`, 401, '401', undefined],
      [`/f/${token(1)}/${showId}.xml`, 403, '410', 'rotated'],
      [
        `/f/${issueAccessToken(keyring, { tenantId, subscriberId: randomUUID(), generation: 1 })}/${showId}.xml`,
        403,
        '403',
        undefined,
      ],
    ];
    for (const [uri, status, deny, reason] of cases) {
      const r = await authorize(uri);
      assert.equal(r.statusCode, status, uri);
      assert.equal(r.headers['x-gatehouse-deny-status'], deny, uri);
      assert.equal(r.headers['x-gatehouse-deny-reason'], reason, uri);
      assert.equal(r.headers['cache-control'], 'no-store');
    }
  });
});

describe('/edge/decide/public and /edge/decide/download', () => {
  test('public → grant; premium → 403; draft, unknown and bad ids → 404', async () => {
    assert.equal((await get(`/edge/decide/public/${eps.open.episodeId}/ep.mp3`)).statusCode, 200);
    const expect = async (url: string, deny: string) =>
      assert.equal((await get(url)).headers['x-media-deny-status'], deny, url);
    await expect(`/edge/decide/public/${eps.premium.episodeId}/ep.mp3`, '403');
    await expect(`/edge/decide/public/${eps.draft.episodeId}/ep.mp3`, '404');
    await expect(`/edge/decide/public/${randomUUID()}/ep.mp3`, '404');
    await expect(`/edge/decide/public/nope/ep.mp3`, '404');
    await expect(`/edge/decide/public/${eps.open.episodeId}/other.mp3`, '404');
  });

  test('download links: grant while valid, 410 once expired, 401 forged', async () => {
    const claims = { tenantId, subscriberId: sub.subscriberId, generation: 2, episodeId: eps.open.episodeId };
    const live = issueDownloadToken(keyring, { ...claims, expiresAt: now / 1000 + 60 });
    assert.equal((await get(`/edge/decide/download/${live}/ep.mp3`)).statusCode, 200);
    const dead = issueDownloadToken(keyring, { ...claims, expiresAt: now / 1000 - 1 });
    assert.equal((await get(`/edge/decide/download/${dead}/ep.mp3`)).headers['x-media-deny-status'], '410');
    const forged = await get(`/edge/decide/download/${'y'.repeat(80)}/ep.mp3`);
    assert.equal(forged.statusCode, 401);
  });
});

// Edge records (issue 11) take identity from the decision, never from the token: every grant names
// who was granted, in both answer styles; no deny names anyone.
describe('identity headers on grants (edge records)', () => {
  // X-Gatehouse-Grant: "<tenant> <subscriber> <episode> <access>", "-" for none.
  const identity = (headers: Record<string, unknown>) => {
    const grant = headers['x-gatehouse-grant'];
    if (grant === undefined)
      return { tenant: undefined, subscriber: undefined, episode: undefined, access: undefined };
    const [tenant, subscriber, episode, access, ...rest] = String(grant).split(' ');
    assert.deepEqual(rest, [], String(grant));
    const some = (value: string | undefined) => (value === '-' ? undefined : value);
    return { tenant: some(tenant), subscriber: some(subscriber), episode, access };
  };
  const subscriberIdentity = (access: string) => ({
    tenant: tenantId,
    subscriber: sub.subscriberId,
    episode: eps.open.episodeId,
    access,
  });

  test('token grants (decide and x-accel styles, media and download) carry tenant, subscriber, episode, access', async () => {
    const expected = subscriberIdentity('public');
    for (const url of [
      `/edge/decide/media/${token()}/${eps.open.episodeId}/ep.mp3`,
      `/edge/media/${token()}/${eps.open.episodeId}/ep.mp3`,
    ]) {
      const r = await get(url);
      assert.equal(r.statusCode, 200, url);
      assert.deepEqual(identity(r.headers), expected, url);
    }
    const claims = { tenantId, subscriberId: sub.subscriberId, generation: 2, episodeId: eps.open.episodeId };
    const link = issueDownloadToken(keyring, { ...claims, expiresAt: now / 1000 + 60 });
    for (const url of [`/edge/decide/download/${link}/ep.mp3`, `/edge/download/${link}/ep.mp3`]) {
      assert.deepEqual(identity((await get(url)).headers), expected, url);
    }
  });

  test('public grants name the episode and access only; denies name nobody', async () => {
    for (const url of [
      `/edge/decide/public/${eps.open.episodeId}/ep.mp3`,
      `/edge/public/${eps.open.episodeId}/ep.mp3`,
    ]) {
      assert.deepEqual(
        identity((await get(url)).headers),
        { tenant: undefined, subscriber: undefined, episode: eps.open.episodeId, access: 'public' },
        url,
      );
    }
    for (const url of [
      `/edge/decide/media/${token()}/${eps.premium.episodeId}/ep.mp3`,
      `/edge/decide/media/${token(1)}/${eps.open.episodeId}/ep.mp3`,
      `/edge/media/${token()}/${eps.premium.episodeId}/ep.mp3`,
      `/edge/decide/public/${eps.premium.episodeId}/ep.mp3`,
    ]) {
      const r = await get(url);
      assert.notEqual(r.statusCode, 200, url);
      const none = { tenant: undefined, subscriber: undefined, episode: undefined, access: undefined };
      assert.deepEqual(identity(r.headers), none, url);
    }
  });
});

describe('/edge/public (X-Accel responder behind the x-accel front door)', () => {
  test('public → 200 + X-Accel-Redirect + origin/key/size; premium 403; draft, unknown, bad ids 404', async () => {
    const r = await get(`/edge/public/${eps.open.episodeId}/ep.mp3`);
    assert.equal(r.statusCode, 200);
    assert.equal(r.body, '');
    assert.equal(r.headers['x-accel-redirect'], '/_gh/origin/s3');
    assert.equal(r.headers['x-media-origin'], 'http://s3.test/b/o/k1.mp3?sig=1');
    assert.equal(r.headers['x-media-key'], 'o/k1.mp3');
    assert.equal(r.headers['x-media-size'], '1234');
    assert.equal(r.headers['content-type'], 'audio/mpeg');
    const head = await app.inject({ method: 'HEAD', url: `/edge/public/${eps.open.episodeId}/ep.mp3` });
    assert.equal(head.statusCode, 200);
    assert.equal(head.headers['x-accel-redirect'], '/_gh/origin/s3');
    const local = await get(`/edge/public/${eps.local.episodeId}/ep.m4a`);
    assert.equal(local.headers['x-accel-redirect'], '/_gh/origin/local/o/k2.mp3');
    assert.equal(local.headers['x-media-origin'], undefined);
    for (const [url, status] of [
      [`/edge/public/${eps.premium.episodeId}/ep.mp3`, 403],
      [`/edge/public/${eps.draft.episodeId}/ep.mp3`, 404],
      [`/edge/public/${randomUUID()}/ep.mp3`, 404],
      [`/edge/public/nope/ep.mp3`, 404],
      [`/edge/public/${eps.open.episodeId}/other.mp3`, 404],
    ] as const) {
      const deny = await get(url);
      assert.equal(deny.statusCode, status, url);
      assert.equal(deny.headers['x-accel-redirect'], undefined, url);
      assert.equal(deny.headers['cache-control'], 'no-store', url);
      assert.match(String(deny.headers['content-type']), /^text\/plain/, url);
    }
  });
});
