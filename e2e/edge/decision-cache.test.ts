import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { readMinioAudit, waitFor } from '@gatehouse/testkit';
import { type Platform, startPlatform } from '../support/platform.ts';
import {
  createSubscriber,
  createTenant,
  mediaUrl,
  mintDownloadToken,
  openWorld,
  publicMediaUrl,
  publishEpisode,
  revokeSubscriber,
  type Tenant,
  type World,
} from './edge-fixtures.ts';

// The edge's cache of auth decisions (nginx-ingress/README.md, docs/edge-protocol.md): grants are
// reused for at most one window (authCache.windowMs, 100 ms by default), so a revocation written to Redis reaches the edge within
// auth's own record max age (1 s) + one window; the public /pub/ route; and the nginx workers
// staying alive on every path that used to crash them (X-Accel-Redirect replayed from a cache).

/** nginx-ingress's default authCache.windowMs (what the stack renders). */
const WINDOW_MS = 100;

let world: World;
let platform: Platform;
let tenant: Tenant;
let errorLogStart = 0;

// The edge nginx's own directory (the stack's by default; EDGE_NGINX_DIR for another edge instance).
const nginxDir = () => process.env.EDGE_NGINX_DIR || path.join(world.env.stackDir, 'nginx');
const errorLog = () => path.join(nginxDir(), 'logs', 'error.log');

before(async () => {
  world = openWorld();
  platform = await startPlatform(['auth']);
  tenant = await createTenant(world);
  try {
    errorLogStart = statSync(errorLog()).size;
  } catch {
    errorLogStart = 0;
  }
});

after(async () => {
  await platform?.stop();
  await world?.close();
});

describe('auth-decision cache', () => {
  // Auth's record max age (1 s) + one window; 1.2 s leaves room for a 200 ms window too.
  test('a revocation written to Redis reaches the edge within 1.2 s, and no cached grant outlives it', async () => {
    const episode = await publishEpisode(world, tenant, { storage: 's3', size: 64 * 1024 });
    const subscriber = await createSubscriber(world, tenant);
    const url = mediaUrl(world, subscriber.token, episode);
    const range = { headers: { range: 'bytes=0-1' } };
    // Grant, and keep it hot so both auth's record cache and nginx's grant cache are filled.
    for (let i = 0; i < 20; i++) assert.equal((await fetch(url, range)).status, 206);

    await revokeSubscriber(world, subscriber);
    const revokedAt = performance.now();
    const samples: { startedMs: number; status: number }[] = [];
    // Several pollers so the first request after the flip starts within a few ms of it.
    await Promise.all(
      Array.from({ length: 4 }, async (_, i) => {
        await sleep(i * 3);
        while (performance.now() - revokedAt < 2500) {
          const startedMs = performance.now() - revokedAt;
          const response = await fetch(url, range);
          await response.arrayBuffer();
          samples.push({ startedMs, status: response.status });
        }
      }),
    );
    const statuses = new Set(samples.map((s) => s.status));
    assert.ok(
      [...statuses].every((s) => s === 206 || s === 403),
      `statuses: ${[...statuses]}`,
    );
    const first403 = Math.min(...samples.filter((s) => s.status === 403).map((s) => s.startedMs));
    assert.ok(
      first403 <= 1200,
      `first 403 for a request started ${Math.round(first403)} ms after the revocation`,
    );
    const late = samples.filter((s) => s.startedMs > 1200);
    assert.ok(late.length > 10, `requests after 1.2 s: ${late.length}`);
    const grantedLate = late.filter((s) => s.status !== 403);
    assert.deepEqual(
      grantedLate.map((s) => Math.round(s.startedMs)),
      [],
      'requests started more than 1.2 s after the revocation that were still granted',
    );
  });

  test('a grant is reused: many ranges of one episode cost auth few decisions', async () => {
    const episode = await publishEpisode(world, tenant, { storage: 's3', size: 64 * 1024 });
    const subscriber = await createSubscriber(world, tenant);
    const url = mediaUrl(world, subscriber.token, episode);
    // Each stored grant is one file of the decision cache: at most one per window, however
    // many requests fell into it (the other requests of the window were answered without auth).
    const started = performance.now();
    for (let i = 0; i < 100; i++) {
      const response = await fetch(url, { headers: { range: `bytes=${i}-${i}` } });
      assert.equal(response.status, 206);
      assert.equal(Buffer.from(await response.arrayBuffer())[0], episode.body[i]);
    }
    const windows = Math.ceil((performance.now() - started) / WINDOW_MS) + 1;
    const decisions = countDecisionFiles(episode.episodeId);
    assert.ok(decisions >= 1 && decisions <= windows, `decision entries ${decisions}, windows ${windows}`);
  });
});

describe('download links /d/{token}/{fileName} (seed 004)', () => {
  test('a live link downloads (ranges too), an expired one is 410, a forged one 401', async () => {
    const episode = await publishEpisode(world, tenant, { storage: 's3', size: 20_000 });
    const subscriber = await createSubscriber(world, tenant);
    const nowS = Math.floor(Date.now() / 1000);
    const live = `${world.env.edgeUrl}/d/${mintDownloadToken(subscriber, episode.episodeId, nowS + 300)}/${episode.fileName}`;
    const full = await fetch(live);
    assert.equal(full.status, 200);
    assert.ok(Buffer.from(await full.arrayBuffer()).equals(episode.body));
    const tiny = await fetch(live, { headers: { range: 'bytes=0-1' } });
    assert.equal(tiny.status, 206);
    assert.equal(tiny.headers.get('content-range'), `bytes 0-1/${episode.body.length}`);
    await tiny.arrayBuffer();
    const expired = `${world.env.edgeUrl}/d/${mintDownloadToken(subscriber, episode.episodeId, nowS - 5)}/${episode.fileName}`;
    const gone = await fetch(expired);
    assert.equal(gone.status, 410);
    assert.equal(await gone.text(), 'this link has expired\n');
    assert.equal((await fetch(`${world.env.edgeUrl}/d/${'z'.repeat(90)}/${episode.fileName}`)).status, 401);
  });
});

describe('public media /pub/{episodeId}/{fileName} (no token)', () => {
  test('public → 200 and cached like other media; early access over → 200; premium → 403; draft and unknown → 404', async () => {
    const open = await publishEpisode(world, tenant, { storage: 's3', size: 300_000, visibility: 'public' });
    const since = Date.now();
    const first = await fetch(publicMediaUrl(world, open));
    assert.equal(first.status, 200);
    assert.ok(Buffer.from(await first.arrayBuffer()).equals(open.body));
    assert.equal(first.headers.get('content-type'), 'audio/mpeg');
    assert.match(first.headers.get('content-disposition') ?? '', /filename="episode\.mp3"/);
    const second = await fetch(publicMediaUrl(world, open), { headers: { range: 'bytes=0-1' } });
    assert.equal(second.status, 206);
    assert.equal(second.headers.get('x-cache-status'), 'HIT');
    await second.arrayBuffer();
    // The same object through a subscriber's /m/ URL is the same cache entry.
    const alice = await createSubscriber(world, tenant);
    const viaToken = await fetch(mediaUrl(world, alice.token, open));
    assert.equal(viaToken.headers.get('x-cache-status'), 'HIT');
    await viaToken.arrayBuffer();
    const gets = await waitFor(
      async () => {
        const entries = readMinioAudit({ key: open.objectKey, since: since - 1000 });
        return entries.length > 0 ? entries : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 200, description: 'origin GET in the audit log' },
    );
    await sleep(500);
    assert.equal(readMinioAudit({ key: open.objectKey, since: since - 1000 }).length, gets.length);
    assert.equal(gets.length, 1, 'one origin GET for all three requests');

    const early = await publishEpisode(world, tenant, {
      storage: 's3',
      size: 1000,
      publicFrom: Date.now() - 1000,
    });
    assert.equal((await fetch(publicMediaUrl(world, early))).status, 200);

    const premium = await publishEpisode(world, tenant, { storage: 's3', size: 1000 });
    const denied = await fetch(publicMediaUrl(world, premium));
    assert.equal(denied.status, 403);
    assert.equal(denied.headers.get('cache-control'), 'no-store');
    const stillEarly = await publishEpisode(world, tenant, {
      storage: 's3',
      size: 1000,
      publicFrom: Date.now() + 3600_000,
    });
    assert.equal((await fetch(publicMediaUrl(world, stillEarly))).status, 403);

    const draft = await publishEpisode(world, tenant, {
      storage: 's3',
      size: 1000,
      status: 'draft',
      visibility: 'public',
    });
    assert.equal((await fetch(publicMediaUrl(world, draft))).status, 404);
    assert.equal(
      (await fetch(publicMediaUrl(world, { episodeId: randomUUID(), fileName: 'x.mp3' }))).status,
      404,
    );
    assert.equal((await fetch(publicMediaUrl(world, { ...open, fileName: 'other.mp3' }))).status, 404);
    assert.equal((await fetch(`${world.env.edgeUrl}/pub/not-a-uuid/episode.mp3`)).status, 404);
  });

  test('public media on the protected-directory driver, with a HEAD and a 416', async () => {
    const open = await publishEpisode(world, tenant, { storage: 'local', size: 5000, visibility: 'public' });
    const url = publicMediaUrl(world, open);
    const full = await fetch(url);
    assert.equal(full.status, 200);
    assert.equal(full.headers.get('x-cache-status'), 'LOCAL');
    assert.ok(Buffer.from(await full.arrayBuffer()).equals(open.body));
    const head = await fetch(url, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), '5000');
    const beyond = await fetch(url, { headers: { range: 'bytes=9000-' } });
    assert.equal(beyond.status, 416);
    await beyond.arrayBuffer();
  });
});

test('no nginx worker died during these tests (cached grants + HIT/local/416 used to SIGSEGV)', async () => {
  // Cached grants replayed into a HIT, a local file and a 416, back to back.
  const s3 = await publishEpisode(world, tenant, { storage: 's3', size: 10_000, visibility: 'public' });
  const local = await publishEpisode(world, tenant, { storage: 'local', size: 10_000, visibility: 'public' });
  for (const episode of [s3, local]) {
    for (const range of ['bytes=0-1', 'bytes=0-1', 'bytes=50000-', 'bytes=0-1']) {
      const response = await fetch(publicMediaUrl(world, episode), { headers: { range } });
      await response.arrayBuffer();
      assert.ok(response.status === 206 || response.status === 416, `${range}: ${response.status}`);
    }
  }
  await sleep(300);
  const text = readFileSync(errorLog()).subarray(errorLogStart).toString('utf8');
  assert.deepEqual(text.match(/.*exited on signal.*/g) ?? [], []);
});

/** Entries of the decision cache naming an episode (nginx writes each entry's key into its file). */
function countDecisionFiles(episodeId: string): number {
  const root = path.join(nginxDir(), 'cache', 'auth');
  const run = spawnSync('grep', ['-rlF', episodeId, root], { encoding: 'utf8' });
  return run.stdout.split('\n').filter(Boolean).length;
}
