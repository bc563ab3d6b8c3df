import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { stackEnv } from '@gatehouse/testkit';
import Parser from 'rss-parser';
import {
  E2E_ACTIVE_KID,
  E2E_TOKEN_KEYS,
  E2E_WEBHOOK_SECRETS,
  type Platform,
  startPlatform,
} from '../support/platform.ts';

/**
 * Black box through the edge, on the real services (started or reused by the shared harness):
 * seeds a fresh demo creator through the real APIs (scripts/demo-seed.ts --fresh: media's creators'
 * API with an upload to S3, billing's plan route and a Stripe-signed subscription webhook whose
 * event reaches auth's Redis records through NATS), fetches the private feed through nginx
 * (auth_request → feeds), parses it, and downloads every enclosure with Range requests as podcast
 * apps do (Apple starts with bytes=0-1 and needs a 206). Nothing here skips: a missing part fails.
 */
const ROOT = join(import.meta.dirname, '../..');
const run = promisify(execFile);
let platform: Platform;

before(async () => {
  platform = await startPlatform(['auth', 'media', 'feeds', 'billing'], { timeoutMs: 60_000 });
});
after(async () => {
  await platform?.stop();
});

test('private feed through the edge; its enclosures download with Range requests', async () => {
  const EDGE = stackEnv().edgeUrl;
  const { stdout: out } = await run(process.execPath, [join(ROOT, 'scripts/demo-seed.ts'), '--fresh'], {
    encoding: 'utf8',
    timeout: 60_000,
    // The secrets the (started or reused) services run with.
    env: {
      ...process.env,
      EDGE_URL: EDGE,
      PUBLIC_BASE_URL: EDGE,
      TOKEN_KEYS: E2E_TOKEN_KEYS,
      TOKEN_ACTIVE_KID: E2E_ACTIVE_KID,
      STRIPE_WEBHOOK_SECRETS: E2E_WEBHOOK_SECRETS,
    },
  });
  const feedUrl = /^private feed:\s+(\S+)$/m.exec(out)?.[1] ?? '';
  assert.ok(feedUrl.startsWith(EDGE), out);

  const feed = await fetch(feedUrl);
  assert.equal(feed.status, 200);
  const etag = feed.headers.get('etag')!;
  const body = await feed.text();
  const parsed = await new Parser().parseString(body);
  const enclosures = parsed.items.flatMap((item) => (item.enclosure ? [item.enclosure] : []));
  assert.equal(enclosures.length, 3, 'public + two premium episodes for the active subscriber');
  assert.equal((await fetch(feedUrl, { headers: { 'if-none-match': etag } })).status, 304);

  // A client cannot pretend to be someone else: identity headers it sends are overwritten.
  const forged = await fetch(feedUrl, {
    headers: { 'x-gatehouse-subscriber-id': '00000000-0000-4000-8000-000000000000' },
  });
  assert.equal(forged.status, 200);

  for (const enclosure of enclosures) {
    const url = enclosure.url;
    assert.ok(url.startsWith(`${EDGE}/m/`), url);
    const head = await fetch(url, { headers: { range: 'bytes=0-1' } });
    assert.equal(head.status, 206, url);
    assert.equal(head.headers.get('content-range'), `bytes 0-1/${enclosure.length}`);
    assert.equal((await head.arrayBuffer()).byteLength, 2);
    const middle = Math.floor(Number(enclosure.length) / 2);
    const mid = await fetch(url, { headers: { range: `bytes=${middle}-${middle + 99}` } });
    assert.equal(mid.status, 206);
    assert.equal((await mid.arrayBuffer()).byteLength, 100);
    const whole = await fetch(url);
    assert.equal(whole.status, 200);
    assert.equal((await whole.arrayBuffer()).byteLength, Number(enclosure.length));
  }
  // A bit-flipped feed token is refused at the edge.
  const bad = feedUrl.replace(
    /\/f\/([^/]+)\//,
    (_m, token: string) => `/f/${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}/`,
  );
  assert.ok([401, 403].includes((await fetch(bad)).status));
});
