import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { readMinioAudit, waitFor } from '@gatehouse/testkit';
import { signSecureLink } from '@gatehouse/tokens';
import { localSecureLinkSecret } from '../../nginx-ingress/src/edge-values.ts';
import { type Platform, startPlatform } from '../support/platform.ts';
import {
  createSubscriber,
  createTenant,
  type Episode,
  frontDoors,
  mediaUrl,
  openWorld,
  publishEpisode,
  putOrigin,
  rotateSubscriber,
  type Subscriber,
  type Tenant,
  type World,
  writeProtectedFile,
} from './edge-fixtures.ts';

// Black-box tests of the media path through the stack's real nginx (nginx-ingress rendered for
// `local`), the real auth service, MinIO, Redis. Origin fetches are counted from MinIO's own
// audit log. See the "Done when" list. The core checks run against both front doors of the
// one media cache: the decision cache (EDGE_URL, default) and X-Accel-Redirect (EDGE_XACCEL_URL).

const MiB = 1024 * 1024;
const SLICE = 1 * MiB; // nginx-ingress default cache.slice

let world: World;
let platform: Platform;
/** Every response body/header seen, checked at the end for storage URLs and keys. */
const seen: { url: string; text: string; headers: string[] }[] = [];
const secretsNeverShown = new Set<string>();

async function edge(url: string, init: RequestInit = {}) {
  const response = await fetch(url, { redirect: 'manual', ...init });
  const body = Buffer.from(await response.arrayBuffer());
  const headerText = [...response.headers].map(([k, v]) => `${k}: ${v}`).join('\n');
  // Bodies of media are binary; their text is still scanned (a leak would be ASCII).
  seen.push({
    url,
    text: `${response.status}\n${headerText}\n\n${body.toString('latin1')}`,
    headers: [...response.headers.keys()],
  });
  return { status: response.status, headers: response.headers, body };
}

/**
 * MinIO GetObject entries for a key since `since`, once the audit log stopped growing and holds at
 * least `atLeast` of them. MinIO posts audit entries asynchronously: on a loaded machine the first one
 * can arrive after two equal empty reads, which used to "settle" at 0. The count is still asserted
 * exactly by the caller; this only waits for the entries the caller knows must come.
 */
async function originGets(key: string, since: number, atLeast = 1) {
  let last = -1;
  return waitFor(
    async () => {
      const entries = readMinioAudit({ key, since: since - 1000 });
      if (entries.length === last && entries.length >= atLeast) return entries;
      last = entries.length;
      await sleep(400);
      return undefined;
    },
    { timeoutMs: 10_000, intervalMs: 100, description: `audit log settled for ${key}` },
  );
}

before(async () => {
  world = openWorld();
  platform = await startPlatform(['auth']);
  secretsNeverShown.add(world.env.s3.bucket);
  secretsNeverShown.add(new URL(world.env.s3.endpoint).host);
  secretsNeverShown.add(world.env.s3.accessKeyId);
  secretsNeverShown.add('X-Amz-');
});

after(async () => {
  await platform?.stop();
  await world?.close();
});

for (const door of frontDoors()) {
  const skip = door.url
    ? false
    : 'EDGE_XACCEL_URL is not set: the stack serves the x-accel front door on 127.0.0.1:58082 (npm run up writes it to .stack/env)';
  const base = () => door.url as string;
  // Load-shaped checks of the shared cache run once, through the default door (not registered for the other).
  const defaultDoorOnly = (name: string, fn: () => Promise<void>) => {
    if (door.name === 'decision-cache') test(name, fn);
  };

  describe(`edge media path via ${door.name}, S3 driver (MinIO)`, { skip }, () => {
    let tenant: Tenant;
    let alice: Subscriber;
    let bob: Subscriber;

    before(async () => {
      tenant = await createTenant(world);
      alice = await createSubscriber(world, tenant);
      bob = await createSubscriber(world, tenant);
    });

    test('first subscriber MISS, second HIT; one origin GET per slice', async () => {
      const episode = await publishEpisode(world, tenant, { storage: 's3', size: 2 * MiB + 12_345 });
      secretsNeverShown.add(episode.objectKey);
      const since = Date.now();
      const first = await edge(mediaUrl(world, alice.token, episode, base()));
      assert.equal(first.status, 200);
      assert.equal(first.headers.get('x-cache-status'), 'MISS');
      assert.ok(first.body.equals(episode.body), 'bytes of the first download');
      assert.equal(first.headers.get('content-type'), 'audio/mpeg');
      assert.match(first.headers.get('content-disposition') ?? '', /filename="episode\.mp3"/);

      const second = await edge(mediaUrl(world, bob.token, episode, base()));
      assert.equal(second.status, 200);
      assert.equal(second.headers.get('x-cache-status'), 'HIT');
      assert.ok(second.body.equals(episode.body), 'bytes of the second download');

      // MinIO posts audit entries asynchronously: wait until at least one per slice arrived (and the
      // log stopped growing), so a late entry is not read as a missing GET; extra GETs still show.
      const slices = Math.ceil(episode.body.length / SLICE);
      const gets = await originGets(episode.objectKey, since, slices).catch(() =>
        readMinioAudit({ key: episode.objectKey, since: since - 1000 }),
      );
      assert.equal(gets.length, slices, `origin GETs: ${JSON.stringify(gets.map((g) => g.range))}`);
      assert.deepEqual(new Set(gets.map((g) => g.range)).size, gets.length, 'each slice fetched once');
    });

    defaultDoorOnly(
      '50 concurrent cold requests from 50 subscribers: one origin fetch per slice',
      async () => {
        const episode = await publishEpisode(world, tenant, { storage: 's3', size: 3 * MiB });
        secretsNeverShown.add(episode.objectKey);
        const subscribers = await Promise.all(
          Array.from({ length: 50 }, () => createSubscriber(world, tenant)),
        );
        const since = Date.now();
        const results = await Promise.all(
          subscribers.map((s) => edge(mediaUrl(world, s.token, episode, base()))),
        );
        for (const r of results) {
          assert.equal(r.status, 200);
          assert.ok(r.body.equals(episode.body));
        }
        const gets = await originGets(episode.objectKey, since);
        assert.equal(gets.length, 3, `origin GETs: ${JSON.stringify(gets.map((g) => g.range))}`);
      },
    );

    test('Range bytes=0-1 → 206 with Content-Range; HEAD; unsatisfiable range → 416', async () => {
      const episode = await publishEpisode(world, tenant, { storage: 's3', size: 1.5 * MiB });
      secretsNeverShown.add(episode.objectKey);
      const url = mediaUrl(world, alice.token, episode, base());
      const size = episode.body.length;

      const tiny = await edge(url, { headers: { range: 'bytes=0-1' } });
      assert.equal(tiny.status, 206);
      assert.equal(tiny.headers.get('content-range'), `bytes 0-1/${size}`);
      assert.ok(tiny.body.equals(episode.body.subarray(0, 2)));
      assert.ok(tiny.headers.get('x-cache-status'));

      const tail = await edge(url, { headers: { range: `bytes=${size - 10}-` } });
      assert.equal(tail.status, 206);
      assert.equal(tail.headers.get('content-range'), `bytes ${size - 10}-${size - 1}/${size}`);
      assert.ok(tail.body.equals(episode.body.subarray(size - 10)));

      const head = await edge(url, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(head.headers.get('content-length'), String(size));
      assert.equal(head.body.length, 0);

      const beyond = await edge(url, { headers: { range: `bytes=${size + 100}-` } });
      assert.equal(beyond.status, 416);
      assert.equal(beyond.headers.get('content-range'), `bytes */${size}`);
      const beyondSlice = await edge(url, { headers: { range: `bytes=${8 * MiB}-` } });
      assert.equal(beyondSlice.status, 416);
    });

    defaultDoorOnly('a range in the middle of a 200 MB file is answered from one slice', async () => {
      const size = 200 * 1000 * 1000;
      const episode = await publishEpisode(world, tenant, { storage: 's3', size });
      secretsNeverShown.add(episode.objectKey);
      const start = 100_000_000;
      const since = Date.now();
      const t0 = performance.now();
      const mid = await edge(mediaUrl(world, alice.token, episode, base()), {
        headers: { range: `bytes=${start}-${start + 99}` },
      });
      const ms = performance.now() - t0;
      assert.equal(mid.status, 206);
      assert.equal(mid.headers.get('content-range'), `bytes ${start}-${start + 99}/${size}`);
      assert.ok(mid.body.equals(episode.body.subarray(start, start + 100)));
      const gets = await originGets(episode.objectKey, since);
      assert.equal(gets.length, 1, `origin GETs: ${JSON.stringify(gets.map((g) => g.range))}`);
      const sliceStart = Math.floor(start / SLICE) * SLICE;
      assert.equal(gets[0]?.range, `bytes=${sliceStart}-${sliceStart + SLICE - 1}`);
      assert.ok(gets[0]!.bytesSent <= SLICE, `origin sent ${gets[0]?.bytesSent} bytes`);
      assert.ok(ms < 5000, `answered in ${Math.round(ms)} ms`);
    });

    test('forged, truncated and bit-flipped tokens → 401 without a Redis lookup', async (t) => {
      const episode = await publishEpisode(world, tenant, { storage: 's3', size: 1000 });
      secretsNeverShown.add(episode.objectKey);
      const flipped = `${alice.token.slice(0, 10)}${alice.token[10] === 'A' ? 'B' : 'A'}${alice.token.slice(11)}`;
      const tokens = { forged: 'x'.repeat(alice.token.length), truncated: alice.token.slice(0, -4), flipped };
      // monitor() opens its own connection: close it and the duplicate it came from (an open
      // connection keeps the test process alive after the last test).
      const source = world.redis.duplicate();
      const monitor = await source.monitor();
      const commands: string[] = [];
      monitor.on('monitor', (_time: string, args: string[]) => commands.push(args.join(' ')));
      t.after(() => {
        monitor.disconnect();
        source.disconnect();
      });
      await sleep(100);
      for (const [name, token] of Object.entries(tokens)) {
        const r = await edge(mediaUrl(world, token, episode, base()));
        assert.equal(r.status, 401, name);
      }
      await sleep(200);
      const touching = commands.filter(
        (c) => c.includes(alice.subscriberId) || c.includes(episode.episodeId),
      );
      assert.deepEqual(touching, [], 'no Redis command for a forged token');
    });

    test('other tenant → 403, unknown and unpublished → 404, rotated → 410', async () => {
      const episode = await publishEpisode(world, tenant, { storage: 's3', size: 1000 });
      secretsNeverShown.add(episode.objectKey);
      const otherTenant = await createTenant(world);
      const stranger = await createSubscriber(world, otherTenant);
      assert.equal((await edge(mediaUrl(world, stranger.token, episode, base()))).status, 403);

      const unknown = { episodeId: randomUUID(), fileName: 'episode.mp3' };
      assert.equal((await edge(mediaUrl(world, alice.token, unknown, base()))).status, 404);
      const draft = await publishEpisode(world, tenant, { storage: 's3', size: 1000, status: 'draft' });
      secretsNeverShown.add(draft.objectKey);
      assert.equal((await edge(mediaUrl(world, alice.token, draft, base()))).status, 404);
      assert.equal(
        (await edge(mediaUrl(world, alice.token, { ...episode, fileName: 'other.mp3' }, base()))).status,
        404,
      );

      const carol = await createSubscriber(world, tenant);
      assert.equal((await edge(mediaUrl(world, carol.token, episode, base()))).status, 200);
      await rotateSubscriber(world, carol);
      // Auth's record cache and the nginx grant cache each hold at most 1 s.
      const rotated = await waitFor(
        async () => {
          const r = await edge(mediaUrl(world, carol.token, episode, base()));
          return r.status === 410 ? r : undefined;
        },
        { timeoutMs: 2500, intervalMs: 100, description: 'rotated token answers 410' },
      );
      assert.equal(rotated.status, 410);
    });

    test('identity headers a client sends are ignored', async () => {
      const episode = await publishEpisode(world, tenant, { storage: 's3', size: 1000 });
      secretsNeverShown.add(episode.objectKey);
      const freeloader = await createSubscriber(world, tenant, { plans: [] });
      const spoof = {
        'x-gatehouse-tenant-id': tenant.tenantId,
        'x-gatehouse-subscriber-id': alice.subscriberId,
        'x-gatehouse-generation': '1',
      };
      assert.equal(
        (await edge(mediaUrl(world, freeloader.token, episode, base()), { headers: spoof })).status,
        403,
      );
      assert.equal((await edge(mediaUrl(world, 'garbage', episode, base()), { headers: spoof })).status, 401);
      assert.equal((await edge(`${base()}/_gh/origin/s3`, { headers: spoof })).status, 404);
      assert.equal((await edge(`${base()}/_gh/origin/local/${episode.objectKey}`)).status, 404);
    });

    test('an origin outside the allow-list is refused (SSRF guard)', async () => {
      const episode = await publishEpisode(world, tenant, { storage: 's3', size: 1000 });
      secretsNeverShown.add(episode.objectKey);
      // Replaced before any request, so auth hands nginx this URL on the first grant.
      await putOrigin(world, episode.objectKey, `${world.env.staticUrl}/healthz`);
      const r = await edge(mediaUrl(world, alice.token, episode, base()));
      assert.equal(r.status, 502);
      assert.notEqual(r.body.toString(), 'ok\n', 'the static server content must never be served');
    });
  });

  describe(`edge media path via ${door.name}, protected-directory driver (seed 002)`, { skip }, () => {
    let tenant: Tenant;
    let alice: Subscriber;
    let episode: Episode;

    before(async () => {
      tenant = await createTenant(world);
      alice = await createSubscriber(world, tenant);
      episode = await publishEpisode(world, tenant, { storage: 'local', size: 2 * MiB + 7 });
      secretsNeverShown.add(episode.objectKey);
    });

    test('download, Range 0-1, HEAD and 416 from local disk', async () => {
      const url = mediaUrl(world, alice.token, episode, base());
      const size = episode.body.length;
      const full = await edge(url);
      assert.equal(full.status, 200);
      assert.ok(full.body.equals(episode.body));
      assert.equal(full.headers.get('content-type'), 'audio/mpeg');
      assert.equal(full.headers.get('x-cache-status'), 'LOCAL');
      const tiny = await edge(url, { headers: { range: 'bytes=0-1' } });
      assert.equal(tiny.status, 206);
      assert.equal(tiny.headers.get('content-range'), `bytes 0-1/${size}`);
      const head = await edge(url, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(head.headers.get('content-length'), String(size));
      assert.equal((await edge(url, { headers: { range: `bytes=${size}-` } })).status, 416);
    });

    test('deny statuses are the same as for S3', async () => {
      const other = await createSubscriber(world, await createTenant(world));
      assert.equal((await edge(mediaUrl(world, other.token, episode, base()))).status, 403);
      assert.equal((await edge(mediaUrl(world, alice.token.slice(0, -3), episode, base()))).status, 401);
      assert.equal(
        (await edge(mediaUrl(world, alice.token, { ...episode, episodeId: randomUUID() }, base()))).status,
        404,
      );
      const dave = await createSubscriber(world, tenant);
      await rotateSubscriber(world, dave);
      assert.equal((await edge(mediaUrl(world, dave.token, episode, base()))).status, 410);
    });
  });
}

describe('one media cache, two front doors', () => {
  const [decision, accel] = frontDoors();

  test('an object cached through the decision-cache door is a HIT through the x-accel door', async (t) => {
    if (!accel?.url) return t.skip('EDGE_XACCEL_URL is not set');
    const tenant = await createTenant(world);
    const alice = await createSubscriber(world, tenant);
    const episode = await publishEpisode(world, tenant, { storage: 's3', size: 300_000 });
    secretsNeverShown.add(episode.objectKey);
    const since = Date.now();
    const first = await edge(mediaUrl(world, alice.token, episode, decision!.url));
    assert.equal(first.headers.get('x-cache-status'), 'MISS');
    const second = await edge(mediaUrl(world, alice.token, episode, accel.url));
    assert.equal(second.status, 200);
    assert.equal(second.headers.get('x-cache-status'), 'HIT');
    assert.ok(second.body.equals(episode.body));
    assert.equal((await originGets(episode.objectKey, since)).length, 1, 'one origin GET for both doors');
  });

  test('service-internal prefixes (/internal/, /edge/) are not routed on either door', async () => {
    for (const door of frontDoors()) {
      if (!door.url) continue;
      for (const path of [
        '/internal/v1/origins',
        '/internal/v1/subscribers/x/token-rotations',
        '/edge/authorize',
        `/edge/decide/public/${randomUUID()}/episode.mp3`,
        `/edge/public/${randomUUID()}/episode.mp3`,
      ]) {
        for (const method of ['GET', 'POST']) {
          const r = await edge(`${door.url}${path}`, { method });
          assert.equal(r.status, 404, `${door.name} ${method} ${path}`);
        }
      }
    }
  });
});

describe('secure_link /s/ (seed 003): nginx verifies, the app is not touched', () => {
  const secret = localSecureLinkSecret(); // what the stack's nginx was rendered with

  test('valid → 200 (and ranges), tampered → 403, expired → 410, outside the private prefix → 404', async () => {
    const key = `private/e2e-${randomUUID()}.mp3`;
    const body = Buffer.from('secure link body '.repeat(100));
    writeProtectedFile(world, key, body);
    const link = signSecureLink({
      path: `/s/${key}`,
      expiresAt: Math.floor(Date.now() / 1000) + 300,
      secret,
    });
    const ok = await edge(`${world.env.edgeUrl}${link.url}`);
    assert.equal(ok.status, 200);
    assert.ok(ok.body.equals(body));
    const range = await edge(`${world.env.edgeUrl}${link.url}`, { headers: { range: 'bytes=0-1' } });
    assert.equal(range.status, 206);
    const tampered = link.url.replace(/md5=./, (m) => (m.endsWith('A') ? 'md5=B' : 'md5=A'));
    assert.equal((await edge(`${world.env.edgeUrl}${tampered}`)).status, 403);
    const expired = signSecureLink({
      path: `/s/${key}`,
      expiresAt: Math.floor(Date.now() / 1000) - 5,
      secret,
    });
    assert.equal((await edge(`${world.env.edgeUrl}${expired.url}`)).status, 410);
    const outside = signSecureLink({
      path: '/s/public/x.mp3',
      expiresAt: Math.floor(Date.now() / 1000) + 300,
      secret,
    });
    assert.equal((await edge(`${world.env.edgeUrl}${outside.url}`)).status, 404);
  });
});

test('no response ever contained a storage URL, credential, object key or an X-Accel-*/X-Media-* header', () => {
  assert.ok(seen.length > 50, `responses checked: ${seen.length}`);
  for (const { url, headers } of seen) {
    const internal = headers.filter((h) => /^x-(accel|media)-/i.test(h));
    assert.deepEqual(internal, [], `internal headers on ${url.replace(/\/m\/[^/]+/, '/m/…')}`);
  }
  for (const { url, text } of seen) {
    for (const secret of secretsNeverShown) {
      assert.ok(
        !text.includes(secret),
        `response of ${url.replace(/\/m\/[^/]+/, '/m/…')} contains ${secret}`,
      );
    }
  }
});
