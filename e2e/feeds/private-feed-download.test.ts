import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import Parser from 'rss-parser';

/**
 * Black box through the edge: the platform (`bash scripts/platform.sh up`: stack, auth, media,
 * feeds, billing, with .stack/platform.env loaded) must run. Seeds a demo subscriber, fetches the
 * private feed through nginx (auth_request → feeds), parses it, and downloads every enclosure
 * with Range requests as podcast apps do (Apple starts with bytes=0-1 and needs a 206).
 */
const ROOT = join(import.meta.dirname, '../..');
const EDGE = process.env.EDGE_URL;

async function platformReady(): Promise<string | undefined> {
  if (!EDGE) return 'EDGE_URL is not set (run through scripts/test.sh with the stack up)';
  if (!process.env.TOKEN_KEYS)
    return 'TOKEN_KEYS is not set: load .stack/platform.env (scripts/platform.sh up)';
  for (const [name, port] of [
    ['auth', 53001],
    ['feeds', 53003],
  ] as const) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (!response.ok) return `${name} is not ready on ${port}`;
    } catch {
      return `${name} is not running on ${port} (bash scripts/platform.sh up)`;
    }
  }
  return undefined;
}

test('private feed through the edge; its enclosures download with Range requests', async (t) => {
  const missing = await platformReady();
  if (missing) return t.skip(missing);
  const out = execFileSync(process.execPath, [join(ROOT, 'scripts/demo-seed.ts')], {
    encoding: 'utf8',
    env: process.env,
  });
  const feedUrl = /^private feed:\s+(\S+)$/m.exec(out)?.[1] ?? '';
  assert.ok(feedUrl.startsWith(EDGE!), out);

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
