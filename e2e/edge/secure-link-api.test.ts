import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPrismaClient, type PrismaClient } from '@gatehouse/db';
import { createTenantWithApiKey } from '@gatehouse/tenant-keys';
import { uniqueId } from '@gatehouse/testkit';
import { e2eStrict } from '../support/e2e-secrets.ts';
import { type Platform, SERVICE_PORTS, startPlatform } from '../support/platform.ts';
import { openWorld, type World, writeProtectedFile } from './edge-fixtures.ts';

// Seed 003 in the product, end to end through the stack's real nginx: a creator asks the media API
// (through the edge) for an expiring link to a file in its private area; nginx alone verifies and
// serves `/s/…` — neither media nor auth sees the download.

let world: World;
let platform: Platform;
let prisma: PrismaClient;
let skipReason: string | undefined;

before(async () => {
  world = openWorld();
  prisma = createPrismaClient(world.env.databaseUrl, { poolSize: 2 });
  platform = await startPlatform(['auth', 'media'], { onMismatch: 'report' });
  skipReason = platform.mismatch;
});
after(async () => {
  await platform?.stop();
  await prisma?.$disconnect();
  await world?.close();
});

type Creator = { tenantId: string; apiKey: string };
const creator = (): Promise<Creator> =>
  createTenantWithApiKey(prisma, { slug: uniqueId('sl-tenant'), name: 'Secure link creator' });

/** 201 `{ url, expiresAt }` or the error body. */
type IssueReply = { url?: string; expiresAt?: string; error?: { code: string; message: string } };

async function issue(who: Creator, body: unknown) {
  const response = await fetch(`${world.env.edgeUrl}/api/v1/secure-links`, {
    method: 'POST',
    headers: { authorization: `Bearer ${who.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as IssueReply };
}

async function download(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers, redirect: 'manual' });
  return {
    status: response.status,
    headers: response.headers,
    body: Buffer.from(await response.arrayBuffer()),
  };
}

/** Requests a service counted, by route, leaving out the operational ones (scrapes, probes). */
async function appRequests(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^http_request_duration_seconds_count\{([^}]*)\} (\d+)/.exec(line);
    if (!match) continue;
    if (/route="\/(metrics|healthz|readyz)"/.test(match[1]!)) continue;
    total += Number(match[2]);
  }
  return total;
}

describe('creators issue nginx-verified expiring links (seed 003) through the media API', () => {
  test('issued for its own file: 200 with the bytes, 206 for a range, 403 tampered, 410 expired; the apps are not touched', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const me = await creator();
    const body = randomBytes(64 * 1024 + 7);
    const path = `private/t/${me.tenantId}/${uniqueId('report')}.bin`;
    writeProtectedFile(world, path, body);

    const issued = await issue(me, { path, expiresInSeconds: 300 });
    if (issued.status === 404 && !e2eStrict())
      return t.skip(
        'media on :53002 does not serve /api/v1/secure-links (started without SECURE_LINK_SECRET)',
      );
    assert.equal(issued.status, 201, JSON.stringify(issued.json));
    const url = String(issued.json.url);
    assert.ok(url.startsWith(`${world.env.edgeUrl}/s/${path}?md5=`), url);
    const expires = Number(new URL(url).searchParams.get('expires'));
    assert.equal(new Date(String(issued.json.expiresAt)).getTime(), expires * 1000);
    const short = await issue(me, { path, expiresInSeconds: 1 });
    assert.equal(short.status, 201);

    // A quiet window on the shared stack: another engineer's test may call media/auth meanwhile,
    // so a moved counter is retried; a /s/ that reached an app would move it every time.
    let attempts = 0;
    for (;;) {
      attempts++;
      const before = {
        media: await appRequests(SERVICE_PORTS.media),
        auth: await appRequests(SERVICE_PORTS.auth),
      };

      // The counters are read at all: media counted this test's two issue requests.
      assert.ok(before.media >= 2, `media request counter: ${before.media}`);
      const full = await download(url);
      assert.equal(full.status, 200);
      assert.ok(full.body.equals(body), 'bytes equal');
      const range = await download(url, { range: 'bytes=100-199' });
      assert.equal(range.status, 206);
      assert.equal(range.headers.get('content-range'), `bytes 100-199/${body.length}`);
      assert.ok(range.body.equals(body.subarray(100, 200)));
      const tampered = url.replace(/md5=(.)/, (_m, c: string) => `md5=${c === 'A' ? 'B' : 'A'}`);
      assert.equal((await download(tampered)).status, 403);
      const stretched = url.replace(/expires=\d+/, `expires=${expires + 3600}`);
      assert.equal((await download(stretched)).status, 403, 'a longer expiry is not signed');

      const after = {
        media: await appRequests(SERVICE_PORTS.media),
        auth: await appRequests(SERVICE_PORTS.auth),
      };
      if (after.media === before.media && after.auth === before.auth) break;
      assert.ok(
        attempts < 4,
        `the apps counted requests during /s/ downloads: ${JSON.stringify({ before, after })}`,
      );
      await sleep(500);
    }

    // expiresInSeconds: 1 → nginx answers 410 once the second has passed.
    const shortExpires = Number(new URL(String(short.json.url)).searchParams.get('expires'));
    await sleep(Math.max(0, shortExpires * 1000 - Date.now()) + 1100);
    assert.equal((await download(String(short.json.url))).status, 410);
  });

  test("another tenant's file, traversal and encoded paths are refused at issue time", async (t) => {
    if (skipReason) return t.skip(skipReason);
    const owner = await creator();
    const intruder = await creator();
    const path = `private/t/${owner.tenantId}/${uniqueId('secret')}.pdf`;
    writeProtectedFile(world, path, Buffer.from('owner only'));

    const foreign = await issue(intruder, { path, expiresInSeconds: 60 });
    if (foreign.status === 404 && !e2eStrict())
      return t.skip(
        'media on :53002 does not serve /api/v1/secure-links (started without SECURE_LINK_SECRET)',
      );
    assert.equal(foreign.status, 403);
    assert.equal(foreign.json.error?.code, 'SECURE_LINK_PATH_FORBIDDEN');
    assert.ok(!JSON.stringify(foreign.json).includes('md5='));

    const traversal = await issue(intruder, {
      path: `private/t/${intruder.tenantId}/../${owner.tenantId}/x.pdf`,
      expiresInSeconds: 60,
    });
    assert.equal(traversal.status, 400);
    assert.equal(traversal.json.error?.code, 'SECURE_LINK_PATH_INVALID');
    const encoded = await issue(intruder, {
      path: `private/t/${intruder.tenantId}%2F..%2F${owner.tenantId}/x.pdf`,
      expiresInSeconds: 60,
    });
    assert.equal(encoded.status, 400);
    assert.equal(encoded.json.error?.code, 'SECURE_LINK_PATH_INVALID');
    const anonymous = await fetch(`${world.env.edgeUrl}/api/v1/secure-links`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path }),
    });
    assert.equal(anonymous.status, 401);
  });
});
