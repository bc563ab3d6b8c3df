import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { stackEnv } from '@gatehouse/testkit';
import fc from 'fast-check';
import { type FixtureEpisode, feedPath, mediaPath } from '../load/load-fixture.ts';
import { createLoadWorld, type LoadWorld } from '../load/load-world.ts';
import { type Platform, SERVICE_PORTS, type ServiceName, startPlatform } from '../support/platform.ts';
import { type RawResponse, rawGet, rawRequest } from './raw-http.ts';

// Abuse of inputs through the real edge (issue 7): random and mutated tokens on every public
// route, oversized headers and paths, path traversal in file names, invalid UTF-8, huge and
// many Range headers. Properties: no 5xx, no grant for anything but a genuine token, no crash
// (every service still ready at the end). Bounded: fast-check runs are counted, not timed.
// ABUSE_RUNS scales every property (default 60).

const RUNS = Number(process.env.ABUSE_RUNS ?? 60);
const SERVICES: ServiceName[] = ['auth', 'media', 'feeds', 'billing'];
let platform: Platform | undefined;
/**
 * Set when a reused service rejects the harness's secrets, by hand only (reported as a skip, not
 * a pass); inside `npm test` (GATEHOUSE_E2E_STRICT=1) startPlatform fails instead.
 */
let skipReason: string | undefined;
let world: LoadWorld;
let edge: string;
let episode: FixtureEpisode;
let good: string; // a paying subscriber's token
let revoked: string;
let showId: string;
/** Every answer seen, by route, for the report at the end. */
const seen = new Map<string, Map<number, number>>();

function note(route: string, status: number) {
  const m = seen.get(route) ?? new Map<number, number>();
  seen.set(route, m);
  m.set(status, (m.get(status) ?? 0) + 1);
}

async function get(route: string, path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${edge}${path}`, { headers, redirect: 'manual' });
  await response.arrayBuffer();
  note(route, response.status);
  return response;
}

async function raw(route: string, request: Buffer | string): Promise<RawResponse> {
  const response = await rawRequest(edge, request);
  note(route, response.status);
  return response;
}

/** An HTTP answer (not a dropped connection) below 500. */
const no5xx = (status: number, what: string) => assert.ok(status > 0 && status < 500, `${what} → ${status}`);
const denied = (status: number, what: string) => {
  no5xx(status, what);
  assert.ok(status >= 400, `${what} must not be granted, got ${status}`);
};

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** A genuine token with one edit (replace/insert/delete a char, or cut): never the token itself. */
const mutatedToken = () =>
  fc
    .tuple(fc.nat(), fc.constantFrom(...B64.split('')), fc.constantFrom('replace', 'insert', 'delete', 'cut'))
    .map(([n, c, op]) => {
      const at = n % good.length;
      if (op === 'replace') return good.slice(0, at) + c + good.slice(at + 1);
      if (op === 'insert') return good.slice(0, at) + c + good.slice(at);
      if (op === 'delete') return good.slice(0, at) + good.slice(at + 1);
      return good.slice(0, at);
    })
    .filter((t) => t !== good && t.length > 0);
const randomToken = () =>
  fc.oneof(
    fc.string({ minLength: 1, maxLength: 120, unit: fc.constantFrom(...B64.split('')) }),
    fc.string({ minLength: 1, maxLength: 80 }).map((s) => encodeURIComponent(s)),
    fc.uint8Array({ minLength: 1, maxLength: 90 }).map((b) => Buffer.from(b).toString('base64url')),
  );
const hostileToken = () => fc.oneof(mutatedToken(), randomToken());

before(async () => {
  platform = await startPlatform(SERVICES, { onMismatch: 'report' });
  skipReason = platform.mismatch;
  if (skipReason) return;
  world = await createLoadWorld({
    subscribers: 2,
    revoked: 1,
    otherTenant: 1,
    episodes: 1,
    episodeBytes: 256 * 1024,
    projectorWaitMs: 2000,
  });
  edge = stackEnv().edgeUrl;
  episode = world.fixture.episodes[0]!;
  good = world.fixture.subscribers.find((s) => s.kind === 'active')!.token;
  revoked = world.fixture.subscribers.find((s) => s.kind === 'revoked')!.token;
  showId = world.fixture.showIds[0]!;
  // The control: the genuine token is granted, so a denial below means something.
  assert.equal((await get('control', mediaPath(good, episode), { range: 'bytes=0-1' })).status, 206);
});

after(async () => {
  if (seen.size) {
    const report = [...seen]
      .map(([route, m]) => `${route}: ${JSON.stringify(Object.fromEntries(m))}`)
      .join('\n');
    console.log(`edge answers seen by route:\n${report}`);
  }
  await platform?.stop();
});

describe('abuse of inputs through the edge', () => {
  test('random and mutated tokens on /m, /d and /f: never granted, never 5xx', async (t) => {
    if (skipReason) return t.skip(skipReason);
    await fc.assert(
      fc.asyncProperty(hostileToken(), fc.constantFrom('m', 'd', 'f'), async (token, route) => {
        const path =
          route === 'm'
            ? mediaPath(token, episode)
            : route === 'd'
              ? `/d/${token}/${episode.fileName}`
              : feedPath(token, showId);
        const response = await get(`/${route}/ hostile token`, path, { range: 'bytes=0-1' });
        denied(response.status, path);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  test('a revoked subscriber stays denied whatever the Range, If-* and identity headers', async (t) => {
    if (skipReason) return t.skip(skipReason);
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          range: fc.oneof(
            fc.constant('bytes=0-1'),
            fc.string({ maxLength: 60 }).map((s) => `bytes=${s.replace(/[^\x20-\x7e]/g, '')}`),
          ),
          'if-none-match': fc.constantFrom('*', '"x"', 'W/"1"'),
          'x-gatehouse-tenant-id': fc.uuid(),
          'x-gatehouse-subscriber-id': fc.uuid(),
        }),
        async (headers) => {
          const response = await get('/m/ revoked + headers', mediaPath(revoked, episode), headers);
          denied(response.status, JSON.stringify(headers));
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('path traversal and encoded separators in file names and ids: no grant of another file, no 5xx', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const names = [
      '../../../../etc/passwd',
      '..%2F..%2F..%2Fetc%2Fpasswd',
      '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '..%5c..%5cwindows%5cwin.ini',
      `${episode.fileName}%00.txt`,
      `${episode.fileName}/../../x`,
      '%252e%252e%252fetc%252fpasswd',
      '....//....//etc/passwd',
      '_gh/origin/local/etc/passwd',
    ];
    for (const name of names) {
      for (const path of [
        `/m/${good}/${episode.episodeId}/${name}`,
        `/m/${good}/${name}`,
        `/m/${good}/../../_gh/origin/local/${name}`,
        `/d/${good}/${name}`,
        `/s/private/${name}?md5=AAAAAAAAAAAAAAAAAAAAAA&expires=9999999999`,
      ]) {
        const response = await raw('traversal', rawGet(path));
        no5xx(response.status, path);
        // The genuine token may be granted only for the real episode file, byte for byte that file's size.
        if (response.status < 300) {
          assert.ok(path.startsWith(`/m/${good}/${episode.episodeId}/`), `granted ${path}`);
          assert.match(response.head, new RegExp(`content-length: ${episode.byteSize}`, 'i'), path);
        }
      }
    }
  });

  test('invalid UTF-8 and control bytes in every path segment: no 5xx, no grant', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const bad = [
      Buffer.from([0xff, 0xfe]),
      Buffer.from([0xc0, 0xaf]),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from('%ff%fe%c0%af'),
      Buffer.from('%00'),
    ];
    for (const b of bad) {
      for (const [route, target] of [
        [
          'm token',
          Buffer.concat([Buffer.from('/m/'), b, Buffer.from(`/${episode.episodeId}/${episode.fileName}`)]),
        ],
        ['m episode', Buffer.concat([Buffer.from(`/m/${good}/`), b, Buffer.from(`/${episode.fileName}`)])],
        ['m file', Buffer.concat([Buffer.from(`/m/${good}/${episode.episodeId}/`), b])],
        ['f show', Buffer.concat([Buffer.from(`/f/${good}/`), b, Buffer.from('.xml')])],
        ['p', Buffer.concat([Buffer.from('/p/'), b, Buffer.from('/'), b, Buffer.from('.xml')])],
        ['portal', Buffer.concat([Buffer.from('/portal/'), b])],
        ['api', Buffer.concat([Buffer.from('/api/v1/shows/'), b])],
        ['billing', Buffer.concat([Buffer.from('/billing/v1/plans/'), b])],
      ] as const) {
        const response = await raw(`utf8 ${route}`, rawGet(target));
        no5xx(response.status, `${route} ${b.toString('hex')}`);
        if (route.startsWith('m')) assert.ok(response.status >= 400, `${route} ${b.toString('hex')} granted`);
      }
    }
  });

  test('oversized paths and headers: 4xx from the edge, never 5xx', async (t) => {
    if (skipReason) return t.skip(skipReason);
    for (const size of [4096, 9000, 70_000]) {
      const path = `/m/${'A'.repeat(size)}/${episode.episodeId}/${episode.fileName}`;
      no5xx((await raw('oversized path', rawGet(path))).status, `path ${size}`);
      const feed = `/f/${good}/${'x'.repeat(size)}.xml`;
      no5xx((await raw('oversized path', rawGet(feed))).status, `feed path ${size}`);
    }
    for (const size of [8000, 16_000, 64_000]) {
      for (const header of [
        `X-Junk: ${'j'.repeat(size)}`,
        `Cookie: s=${'c'.repeat(size)}`,
        `Range: bytes=${'0-1,'.repeat(size / 4)}0-1`,
      ]) {
        const response = await raw('oversized header', rawGet(mediaPath(good, episode), [header]));
        no5xx(response.status, `${header.slice(0, 12)}… ${size}`);
      }
    }
    const manyHeaders = Array.from({ length: 500 }, (_, i) => `X-H${i}: ${i}`);
    no5xx((await raw('many headers', rawGet(mediaPath(good, episode), manyHeaders))).status, '500 headers');
  });

  test('huge, malformed and many Range headers: 206/200/416 for the genuine token, never 5xx', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const size = episode.byteSize;
    const ranges = [
      'bytes=0-99999999999999999999999999',
      'bytes=18446744073709551615-18446744073709551616',
      'bytes=-0',
      'bytes=-99999999999999999999',
      `bytes=${size}-`,
      `bytes=${size - 1}-${size + 10}`,
      'bytes=5-1',
      'bytes=--1',
      'bytes=0-1,-1',
      'items=0-1',
      `bytes=${Array.from({ length: 200 }, (_, i) => `${i * 10}-${i * 10 + 1}`).join(',')}`,
      `bytes=${'0-0,'.repeat(2000)}0-0`,
      'bytes=0-1, 0-1, 0-1, 0-1, 0-1, 0-1',
    ];
    for (const range of ranges) {
      const response = await raw('range', rawGet(mediaPath(good, episode), [`Range: ${range}`]));
      no5xx(response.status, range.slice(0, 60));
      assert.ok([200, 206, 400, 416].includes(response.status), `${range.slice(0, 60)} → ${response.status}`);
    }
    await fc.assert(
      fc.asyncProperty(
        fc.bigInt({ min: 0n, max: 2n ** 70n }),
        fc.bigInt({ min: 0n, max: 2n ** 70n }),
        async (a, b) => {
          const response = await raw(
            'range property',
            rawGet(mediaPath(good, episode), [`Range: bytes=${a}-${b}`]),
          );
          no5xx(response.status, `bytes=${a}-${b}`);
          if (response.status === 206) {
            const match = /content-range: bytes (\d+)-(\d+)\/(\d+)/i.exec(response.head);
            assert.ok(match, response.head);
            assert.equal(Number(match[3]), size);
            assert.ok(BigInt(match[1]!) === a && Number(match[2]) <= size - 1);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('every public route with random paths, methods and bodies: never 5xx', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const prefixes = [
      '/m/',
      '/d/',
      '/s/',
      '/f/',
      '/p/',
      '/portal/',
      '/api/v1/',
      '/billing/v1/',
      '/billing/webhooks/stripe',
      '/_gh/',
      '/',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...prefixes),
        fc.array(
          fc.string({ maxLength: 24, unit: fc.constantFrom(...'abc0123456789-_.~%25ZZ/'.split('')) }),
          { maxLength: 4 },
        ),
        fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
        fc.oneof(fc.constant(undefined), fc.json({ maxDepth: 2 }), fc.string({ maxLength: 200 })),
        fc.constantFrom(undefined, 'Bearer ghk_0000_x', `Bearer ${good}`, 'Basic Zm9vOmJhcg=='),
        async (prefix, segments, method, body, authorization) => {
          const path = prefix + segments.join('/');
          const response = await fetch(`${edge}${path}`, {
            method,
            redirect: 'manual',
            headers: {
              ...(authorization ? { authorization } : {}),
              ...(body !== undefined
                ? { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' }
                : {}),
            },
            ...(body !== undefined && method !== 'GET' && method !== 'HEAD' ? { body } : {}),
          }).catch((error: Error) => ({ status: 0, arrayBuffer: async () => new ArrayBuffer(0), error }));
          await response.arrayBuffer();
          note(`random ${prefix}`, response.status);
          no5xx(response.status, `${method} ${path}`);
          if (prefix === '/m/' || prefix === '/d/')
            assert.ok(response.status >= 400, `${method} ${path} granted`);
        },
      ),
      { numRuns: RUNS * 4 },
    );
  });

  test('no crash: every service and the edge still answer', async (t) => {
    if (skipReason) return t.skip(skipReason);
    for (const name of SERVICES) {
      const response = await fetch(`http://127.0.0.1:${SERVICE_PORTS[name]}/readyz`);
      assert.equal(response.status, 200, `${name} ready after the abuse`);
    }
    assert.equal((await get('control', mediaPath(good, episode), { range: 'bytes=0-1' })).status, 206);
  });
});
