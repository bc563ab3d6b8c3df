import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stackEnv, waitFor } from '@gatehouse/testkit';
import { privateDatabase } from '../../packages/outbox/test/private-stack.ts';
import { countingHarness } from '../../services/analytics/test/counting-harness.ts';
import {
  createSubscriber,
  createTenant,
  type Episode,
  openWorld,
  publishEpisode,
  type Subscriber,
  type Tenant,
  type World,
} from '../edge/edge-fixtures.ts';
import {
  type Child,
  type RecordsEdge,
  startPrivateAuth,
  startRecordsEdge,
  startShipper,
} from './edge-records-rig.ts';

/**
 * A scripted day through the real edge: nginx (rendered with records on) → the real auth service →
 * the records log → the real shipper (salted hashes) → JetStream → the download counter → Postgres.
 * The client address is set with X-Forwarded-For (the rig's nginx trusts 127.0.0.1 as a proxy), so
 * the IPv6 listener really arrives from three addresses of one /64.
 */
const UA = {
  iphone: 'Podcasts/1650.20 CFNetwork/1494.0.7 Darwin/23.4.0',
  overcast: 'Overcast/3.0 (+http://overcast.fm/; iOS podcast app)',
  antennaPod: 'AntennaPod/3.5.0',
  pocketCasts: 'Pocket Casts/7.60 (Android 14)',
  watch: 'atc/1.0 watchOS/10.4 model/Watch6,4 hwp/t8301 build/21T216 (6; dt:227)',
  googlebot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  crawler: 'AcmeCrawler/1.0',
};

describe('analytics replay through the real edge', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gh-replay-edge-'));
  let world: World;
  let tenant: Tenant;
  let subscriber: Subscriber;
  let long: Episode; // 2 MB, duration unknown: ID3 + one minute = 960 000 bytes (128 kbit/s)
  let short: Episode; // 300 kB: below that, so only the whole file counts
  let open: Episode; // public, 300 kB
  let auth: Child & { port: number };
  let edge: RecordsEdge;
  let shipper: Child;
  let db: Awaited<ReturnType<typeof privateDatabase>>;
  let h: Awaited<ReturnType<typeof countingHarness>>;

  const get = async (
    url: string,
    ip: string,
    ua: string,
    headers: Record<string, string> = {},
    method = 'GET',
  ) => {
    const r = await fetch(`${edge.url}${url}`, {
      method,
      headers: { 'x-forwarded-for': ip, 'user-agent': ua, ...headers },
    });
    await r.arrayBuffer();
    return r.status;
  };
  const m = (e: Episode) => `/m/${subscriber.token}/${e.episodeId}/${e.fileName}`;

  before(async () => {
    world = openWorld();
    tenant = await createTenant(world);
    subscriber = await createSubscriber(world, tenant);
    long = await publishEpisode(world, tenant, { storage: 'local', size: 2_000_000 });
    short = await publishEpisode(world, tenant, { storage: 'local', size: 300_000 });
    open = await publishEpisode(world, tenant, { storage: 'local', size: 300_000, visibility: 'public' });
    db = await privateDatabase();
    h = await countingHarness({ natsUrl: stackEnv().natsUrl, databaseUrl: db.url, batchSize: 16 });
    // Public media records name no tenant: counting finds it from the episode's row (media's tables).
    await h.prisma.tenant.create({
      data: { id: tenant.tenantId, slug: `t-${tenant.tenantId}`, name: 'edge' },
    });
    await h.prisma.show.create({
      data: {
        id: tenant.showId,
        tenantId: tenant.tenantId,
        slug: 'show',
        title: 'Show',
        podcastGuid: crypto.randomUUID(),
      },
    });
    await h.prisma.episode.create({
      data: {
        id: open.episodeId,
        tenantId: tenant.tenantId,
        showId: tenant.showId,
        title: 'Open',
        status: 'published',
      },
    });
    auth = await startPrivateAuth(dir);
    edge = await startRecordsEdge({
      authPort: auth.port,
      protectedDir: path.join(world.env.stackDir, 'protected'),
      records: true,
    });
    shipper = startShipper({
      edge,
      natsUrl: world.env.natsUrl,
      redisUrl: world.env.redisUrl,
      stream: h.stream,
      subject: h.subject,
    });
  });
  after(async () => {
    await shipper?.stop();
    await edge?.stop();
    await auth?.stop();
    await h?.close();
    await db?.drop();
    await world?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a scripted day: exact counts; the same replay from the stream start gives the same numbers', async () => {
    const statuses = [
      // iPhone: probe, then a range chain to 960 000 bytes → 1 download; later a full GET adds nothing.
      await get(m(long), '203.0.113.10', UA.iphone, { range: 'bytes=0-1' }),
      await get(m(long), '203.0.113.10', UA.iphone, { range: 'bytes=0-499999' }),
      await get(m(long), '203.0.113.10', UA.iphone, { range: 'bytes=500000-959999' }),
      await get(m(long), '203.0.113.10', UA.iphone),
      // Overcast elsewhere: HEAD and 400 kB → nothing.
      await get(m(long), '203.0.113.11', UA.overcast, {}, 'HEAD'),
      await get(m(long), '203.0.113.11', UA.overcast, { range: 'bytes=0-399999' }),
      // Overcast at the iPhone's address: another listener, the whole short file → 1 download.
      await get(m(short), '203.0.113.10', UA.overcast),
      // Bots and the watch → nothing.
      await get(m(long), '203.0.113.12', UA.googlebot),
      await get(m(long), '203.0.113.12', UA.crawler),
      await get(m(long), '203.0.113.10', UA.watch),
      // IPv6 listener on three addresses of one /64 → 1 download.
      await get(m(long), '2001:db8:1:2::a', UA.antennaPod, { range: 'bytes=0-399999' }),
      await get(m(long), '2001:db8:1:2::b', UA.antennaPod, { range: 'bytes=400000-799999' }),
      await get(m(long), '2001:db8:1:2:ffff::c', UA.antennaPod, { range: 'bytes=800000-999999' }),
      // Public episode, whole file → 1 download (tier public).
      await get(`/pub/${open.episodeId}/${open.fileName}`, '198.51.100.8', UA.pocketCasts),
      // Forged token → denied, nothing.
      await get(`/m/${'x'.repeat(40)}/${long.episodeId}/${long.fileName}`, '198.51.100.9', UA.iphone),
    ];
    assert.deepEqual(statuses, [206, 206, 206, 200, 200, 206, 200, 200, 200, 200, 206, 206, 206, 200, 401]);

    // Every request reached the stream (one record each), then the counter applied them all.
    await waitFor(
      async () => (await h.jsm.streams.info(h.stream)).state.messages >= statuses.length || undefined,
      {
        timeoutMs: 20_000,
        description: 'records shipped',
      },
    );
    await h.startConsumer();
    await h.drained();
    const day = new Date().toISOString().slice(0, 10);
    const counted = await h.report(tenant.tenantId, day, day);
    assert.deepEqual(counted.byDay, [{ key: day, downloads: 4, listeners: 4 }]);
    assert.deepEqual(counted.byApp, [
      { key: 'AntennaPod', downloads: 1, listeners: 1 },
      { key: 'Apple Podcasts', downloads: 1, listeners: 1 },
      { key: 'Overcast', downloads: 1, listeners: 1 },
      { key: 'Pocket Casts', downloads: 1, listeners: 1 },
    ]);
    assert.deepEqual(
      counted.byEpisode,
      [
        { key: long.episodeId, downloads: 2, listeners: 2 },
        { key: short.episodeId, downloads: 1, listeners: 1 },
        { key: open.episodeId, downloads: 1, listeners: 1 },
      ].sort((a, b) => a.key.localeCompare(b.key)),
    );
    // Subscribers of these fixtures live in Redis only (no subscription row): their tier is `unknown`.
    assert.deepEqual(counted.byTier, [
      { key: 'public', downloads: 1, listeners: 1 },
      { key: 'unknown', downloads: 3, listeners: 3 },
    ]);

    await h.resetForReplay();
    await h.startConsumer();
    await h.drained();
    assert.deepEqual(await h.report(tenant.tenantId, day, day), counted);
  });
});
