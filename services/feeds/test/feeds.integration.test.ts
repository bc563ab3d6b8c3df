import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { createPrismaClient, type PrismaClient } from '@gatehouse/db';
import { stackEnv } from '@gatehouse/testkit';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { Redis } from 'ioredis';
import { parseFeed } from 'podcast-partytime';
import Parser from 'rss-parser';
import { BASE_URL, buildFeedsApp } from './support/feeds-app.ts';
import {
  seedEpisode,
  seedPlan,
  seedShow,
  seedSubscriber,
  seedTenant,
  testKeyring,
} from './support/feeds-fixture.ts';

/**
 * Feeds over the real Postgres: what each audience gets, every Apple tag, two independent
 * parsers (rss-parser on xml2js/sax, podcast-partytime on fast-xml-parser), conditional GET,
 * gzip, lifecycle states and early access.
 */
const env = stackEnv();
const { keyring } = testKeyring();
let prisma: PrismaClient;
let redis: Redis;
let built: ReturnType<typeof buildFeedsApp>;
const app = () => built.app;

const HOSTILE = `Tom & "Jerry's" <b>]]></b>\u0001 ep`;

let tenantId: string;
let showId: string;
let showSlug: string;
let tenantSlug: string;
const ids: Record<string, string> = {};
const subs: Record<string, Awaited<ReturnType<typeof seedSubscriber>>> = {};

before(async () => {
  prisma = createPrismaClient(env.databaseUrl);
  redis = new Redis(env.redisUrl, { maxRetriesPerRequest: 1 });
  built = buildFeedsApp({ prisma, redis, keyring, smtpUrl: env.smtpUrl, stripe: env.stripe });
  const tenant = await seedTenant(prisma);
  tenantId = tenant.id;
  tenantSlug = tenant.slug;
  const show = await seedShow(prisma, tenantId, { title: HOSTILE, listPremiumTeasers: true });
  showId = show.id;
  showSlug = show.slug;
  const day = 24 * 3600_000;
  ids.public1 = (
    await seedEpisode(prisma, tenantId, showId, { title: HOSTILE, episodeNumber: 1, transcript: true })
  ).id;
  ids.premium2 = (
    await seedEpisode(prisma, tenantId, showId, { visibility: 'premium', episodeNumber: 2 })
  ).id;
  ids.premium3 = (
    await seedEpisode(prisma, tenantId, showId, { visibility: 'premium', episodeNumber: 3 })
  ).id;
  ids.early4 = (
    await seedEpisode(prisma, tenantId, showId, {
      visibility: 'premium',
      episodeNumber: 4,
      earlyAccessUntil: new Date(Date.now() + 7 * day),
    })
  ).id;
  ids.earlyOver5 = (
    await seedEpisode(prisma, tenantId, showId, {
      visibility: 'premium',
      episodeNumber: 5,
      earlyAccessUntil: new Date(Date.now() - day),
    })
  ).id;
  ids.welcome = (
    await seedEpisode(prisma, tenantId, showId, { lifecycleKind: 'welcome', title: 'Welcome!' })
  ).id;
  ids.failed = (
    await seedEpisode(prisma, tenantId, showId, { lifecycleKind: 'payment_failed', title: 'Payment failed' })
  ).id;
  ids.ended = (
    await seedEpisode(prisma, tenantId, showId, { lifecycleKind: 'subscription_ended', title: 'Goodbye' })
  ).id;
  const allAccess = await seedPlan(prisma, tenantId, { showIds: [showId] }, 'All access');
  const single = await seedPlan(prisma, tenantId, { episodeIds: [ids.premium2!] }, 'Single episode');
  subs.gold = await seedSubscriber(prisma, keyring, tenantId, allAccess.id, 'active');
  subs.single = await seedSubscriber(prisma, keyring, tenantId, single.id, 'active');
  subs.cancelled = await seedSubscriber(prisma, keyring, tenantId, allAccess.id, 'canceled');
  subs.failing = await seedSubscriber(prisma, keyring, tenantId, allAccess.id, 'past_due');
});

after(async () => {
  await app().close();
  redis.disconnect();
  await prisma.$disconnect();
});

const privateUrl = (token: string, show = showId) => `/f/${token}/${show}.xml`;
async function privateFeed(name: string, extraHeaders: Record<string, string> = {}) {
  const sub = subs[name]!;
  return app().inject({
    method: 'GET',
    url: privateUrl(sub.token),
    headers: { ...sub.headers, ...extraHeaders },
  });
}
const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  isArray: (name) => ['item', 'itunes:category'].includes(name),
});
const guidsOf = (body: string) =>
  (xml.parse(body).rss.channel.item ?? []).map((item: { guid: { '#text': string } }) => item.guid['#text']);
const episodeIdsOf = (body: string) =>
  (xml.parse(body).rss.channel.item ?? []).flatMap((item: { enclosure?: { '@url': string } }) =>
    // …/m/{token}/{episodeId}/{file} (private) and …/pub/{episodeId}/{file} (public).
    item.enclosure ? [item.enclosure['@url'].split('/').at(-2)] : [],
  );

describe('public feed', () => {
  test('parses with two independent parsers and carries every required Apple tag', async () => {
    const response = await app().inject({ method: 'GET', url: `/p/${tenantSlug}/${showSlug}.xml` });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^application\/rss\+xml/);
    const body = response.body;
    assert.equal(XMLValidator.validate(body), true);

    const channel = xml.parse(body).rss.channel;
    for (const tag of [
      'title',
      'link',
      'description',
      'language',
      'itunes:author',
      'itunes:explicit',
      'itunes:type',
      'podcast:guid',
      'podcast:locked',
    ]) {
      assert.ok(channel[tag] !== undefined, `channel ${tag}`);
    }
    assert.equal(channel['itunes:owner']['itunes:email'], 'owner@example.com');
    assert.ok(channel['itunes:owner']['itunes:name']);
    assert.equal(channel['itunes:image']['@href'], 'https://img.example.com/cover-3000.jpg');
    assert.equal(channel['itunes:category'][0]['@text'], 'Technology');
    assert.equal(channel['itunes:category'][0]['itunes:category'][0]['@text'], 'Tech News');
    assert.equal(channel['itunes:explicit'], 'false');
    assert.equal(channel['itunes:type'], 'episodic');
    assert.equal(channel['itunes:block'], undefined, 'a public feed is not blocked');
    const full = channel.item.find((item: { enclosure?: unknown }) => item.enclosure);
    for (const tag of [
      'title',
      'guid',
      'pubDate',
      'itunes:episodeType',
      'itunes:duration',
      'itunes:episode',
      'itunes:season',
    ]) {
      assert.ok(full[tag] !== undefined, `item ${tag}`);
    }
    assert.match(
      full.pubDate,
      /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/,
    );
    assert.equal(full.enclosure['@type'], 'audio/mpeg');
    assert.equal(full.enclosure['@length'], '123456');
    assert.equal(full['itunes:duration'], '00:20:34');

    // Parser 1: rss-parser (xml2js).
    const rss = await new Parser({ customFields: { feed: ['itunes:type', 'podcast:guid'] } }).parseString(
      body,
    );
    const hostileClean = HOSTILE.replace('\u0001', '');
    assert.equal(rss.title, hostileClean);
    assert.ok(rss.items.some((item) => item.title === hostileClean));
    // Parser 2: podcast-partytime (podcast-specific).
    const party = parseFeed(body);
    assert.ok(party, 'partytime parsed the feed');
    assert.equal(party.title, hostileClean);
    assert.equal(party.locked, true);
    assert.equal(party.itunesBlock, false);
    assert.ok(party.guid);
    const partyFirst = party.items.find((item) => item.title === hostileClean);
    assert.ok(partyFirst?.podcastTranscripts?.length, 'podcast:transcript parsed');
    assert.ok(partyFirst?.podcastChapters, 'podcast:chapters parsed');
  });

  test('lists public and past-early-access episodes playable, premium as teasers, no lifecycle episodes', async () => {
    const body = (await app().inject({ method: 'GET', url: `/p/${tenantSlug}/${showSlug}.xml` })).body;
    assert.deepEqual(new Set(episodeIdsOf(body)), new Set([ids.public1, ids.earlyOver5]));
    const items = xml.parse(body).rss.channel.item as { title: string; enclosure?: unknown }[];
    assert.equal(
      items.filter((item) => !item.enclosure).length,
      3,
      'premium 2, 3 and early-access 4 as teasers',
    );
    assert.ok(!body.includes('Welcome!') && !body.includes('Goodbye'));
    assert.ok(body.includes(`${BASE_URL}/pub/${ids.public1}/`));
    assert.ok(!body.includes(`${BASE_URL}/m/`), 'public feeds carry no /m/ (token) URLs');
  });

  test('unknown show 404, bad slug 400/404', async () => {
    assert.equal((await app().inject({ method: 'GET', url: `/p/${tenantSlug}/nope.xml` })).statusCode, 404);
    assert.equal(
      (await app().inject({ method: 'GET', url: `/p/${tenantSlug}/${showSlug}.rss` })).statusCode,
      404,
    );
    assert.equal((await app().inject({ method: 'GET', url: '/p/Bad_Slug/x.xml' })).statusCode, 400);
  });
});

describe('private feeds', () => {
  test('two tiers get different episode sets; neither body contains the other token (byte-wise)', async () => {
    const gold = await privateFeed('gold');
    const single = await privateFeed('single');
    assert.equal(gold.statusCode, 200);
    assert.equal(single.statusCode, 200);
    assert.deepEqual(
      new Set(episodeIdsOf(gold.body)),
      new Set([ids.public1, ids.premium2, ids.premium3, ids.early4, ids.earlyOver5, ids.welcome]),
    );
    assert.deepEqual(
      new Set(episodeIdsOf(single.body)),
      new Set([ids.public1, ids.premium2, ids.earlyOver5, ids.welcome]),
    );
    const goldBytes = gold.rawPayload;
    const singleBytes = single.rawPayload;
    assert.equal(goldBytes.indexOf(Buffer.from(subs.single!.token)), -1);
    assert.equal(singleBytes.indexOf(Buffer.from(subs.gold!.token)), -1);
    assert.ok(goldBytes.indexOf(Buffer.from(subs.gold!.token)) > 0);
    for (const url of xml
      .parse(gold.body)
      .rss.channel.item.flatMap((item: { enclosure?: { '@url': string } }) =>
        item.enclosure ? [item.enclosure['@url']] : [],
      )) {
      assert.ok(url.startsWith(`${BASE_URL}/m/${subs.gold!.token}/`), url);
    }
  });

  test('carries itunes:block and podcast:block and parses with both parsers', async () => {
    const body = (await privateFeed('gold')).body;
    const channel = xml.parse(body).rss.channel;
    assert.equal(channel['itunes:block'], 'Yes');
    assert.equal(channel['podcast:block'], 'yes');
    const party = parseFeed(body);
    assert.equal(party?.itunesBlock, true);
    assert.ok(party?.items.length);
    const rss = await new Parser().parseString(body);
    assert.equal(rss.items.length, party?.items.length);
    assert.ok(rss.items.every((item) => item.enclosure?.url?.includes(subs.gold!.token)));
  });

  test('lifecycle: a cancelled subscriber gets public episodes plus the goodbye, a failing one the payment notice', async () => {
    const cancelled = (await privateFeed('cancelled')).body;
    assert.deepEqual(new Set(episodeIdsOf(cancelled)), new Set([ids.public1, ids.earlyOver5, ids.ended]));
    const failing = (await privateFeed('failing')).body;
    assert.deepEqual(new Set(episodeIdsOf(failing)), new Set([ids.public1, ids.earlyOver5, ids.failed]));
  });

  test('identity: no edge headers 401, mismatching headers 403, forged token 401, rotated 410', async () => {
    const gold = subs.gold!;
    const bare = await app().inject({ method: 'GET', url: privateUrl(gold.token) });
    assert.equal(bare.statusCode, 401);
    const other = await app().inject({
      method: 'GET',
      url: privateUrl(gold.token),
      headers: subs.single!.headers,
    });
    assert.equal(other.statusCode, 403);
    const forged = `${gold.token.slice(0, -2)}${gold.token.endsWith('AA') ? 'AB' : 'AA'}`;
    assert.equal(
      (await app().inject({ method: 'GET', url: privateUrl(forged), headers: gold.headers })).statusCode,
      401,
    );
    assert.equal(
      (
        await app().inject({
          method: 'GET',
          url: privateUrl(gold.token, '00000000-0000-4000-8000-000000000000'),
          headers: gold.headers,
        })
      ).statusCode,
      404,
    );
    // Rotation: the generation moved on in Postgres; the old token is gone even if an edge let it through.
    const rotated = await seedSubscriber(prisma, keyring, tenantId, undefined);
    await prisma.accessCredential.update({
      where: { subscriberId: rotated.subscriber.id },
      data: { generation: 2 },
    });
    const response = await app().inject({
      method: 'GET',
      url: privateUrl(rotated.token),
      headers: rotated.headers,
    });
    assert.equal(response.statusCode, 410);
  });

  test('conditional GET: ETag and Last-Modified answer 304; gzip has its own tag', async () => {
    const first = await privateFeed('gold');
    const etag = String(first.headers.etag);
    assert.match(etag, /^"[A-Za-z0-9_-]{32}"$/);
    assert.equal((await privateFeed('gold', { 'if-none-match': etag })).statusCode, 304);
    assert.equal((await privateFeed('gold', { 'if-none-match': '"other"' })).statusCode, 200);
    assert.equal(
      (await privateFeed('gold', { 'if-modified-since': String(first.headers['last-modified']) })).statusCode,
      304,
    );
    assert.equal(
      (await privateFeed('gold', { 'if-modified-since': 'Thu, 01 Jan 1970 00:00:00 GMT' })).statusCode,
      200,
    );
    assert.equal(String(first.headers['cache-control']), 'private, no-cache');
    // The other subscriber's tag does not match this body.
    const single = await privateFeed('single');
    assert.notEqual(single.headers.etag, etag);
    assert.equal((await privateFeed('single', { 'if-none-match': etag })).statusCode, 200);

    const zipped = await privateFeed('gold', { 'accept-encoding': 'gzip, br' });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.equal(zipped.headers.etag, `${etag.slice(0, -1)}-gz"`);
    assert.equal(gunzipSync(zipped.rawPayload).toString('utf8'), first.body);
    assert.equal(
      (await privateFeed('gold', { 'accept-encoding': 'gzip', 'if-none-match': String(zipped.headers.etag) }))
        .statusCode,
      304,
    );
    assert.equal(
      (await privateFeed('gold', { 'if-none-match': String(zipped.headers.etag) })).statusCode,
      304,
    );
  });

  test('an episode moving premium → public keeps its GUID; the change shows (new ETag) without restart', async () => {
    const before = await privateFeed('gold');
    const singleBefore = await privateFeed('single');
    assert.ok(!episodeIdsOf(singleBefore.body).includes(ids.premium3));
    const guid = (await prisma.episode.findUniqueOrThrow({ where: { id: ids.premium3! } })).guid;
    assert.ok(guidsOf(before.body).includes(guid));
    const publicBefore = (await app().inject({ method: 'GET', url: `/p/${tenantSlug}/${showSlug}.xml` }))
      .body;
    assert.ok(!episodeIdsOf(publicBefore).includes(ids.premium3));

    await prisma.episode.update({
      where: { id: ids.premium3! },
      data: { visibility: 'public', version: { increment: 1 } },
    });
    const publicAfter = (await app().inject({ method: 'GET', url: `/p/${tenantSlug}/${showSlug}.xml` })).body;
    assert.ok(episodeIdsOf(publicAfter).includes(ids.premium3));
    assert.ok(guidsOf(publicAfter).includes(guid), 'same GUID in the public feed');
    // The single-episode tier now gets the episode (public): its old tag no longer matches.
    const singleAfter = await privateFeed('single', { 'if-none-match': String(singleBefore.headers.etag) });
    assert.equal(singleAfter.statusCode, 200, 'the old tag no longer matches');
    assert.ok(episodeIdsOf(singleAfter.body).includes(ids.premium3));
    assert.ok(guidsOf(singleAfter.body).includes(guid));
    // The all-access tier had it before and after: same GUID, still listed once.
    const goldAfter = (await privateFeed('gold')).body;
    assert.equal(guidsOf(goldAfter).filter((g: string) => g === guid).length, 1);
    assert.ok(guidsOf(before.body).includes(guid));
  });
});
