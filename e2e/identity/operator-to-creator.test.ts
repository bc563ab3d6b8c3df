import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { uniqueId } from '@gatehouse/testkit';
import { startSmtpCapture } from '../../services/feeds/test/support/smtp-capture.ts';
import { E2E_OPERATOR_API_KEY, type Platform, startPlatform } from '../support/platform.ts';

// Operator → creator across real processes: the `gatehouse` CLI creates a creator on the web service
// the harness started, the invitation goes over SMTP, the creator confirms it and, with the session
// cookie, uses media's /api/v1 (CSRF on writes); an API key made by the CLI works there too.
// Run under the e2e lock (it starts media on 53002).

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const CLI = path.join(ROOT, 'packages', 'cli', 'bin', 'gatehouse.mjs');
const run = promisify(execFile);
let platform: Platform;
let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
let skipReason: string | undefined;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

before(async () => {
  // The web service this harness starts mails to this private SMTP peer (serviceEnv reads SMTP_URL).
  process.env.SMTP_URL = `smtp://127.0.0.1:${await freePort()}`;
  smtp = await startSmtpCapture(process.env.SMTP_URL);
  platform = await startPlatform(['web', 'media'], { onMismatch: 'report' });
  skipReason = platform.mismatch;
  if (!skipReason && !platform.started.includes('web'))
    skipReason = 'web was already running (not started by this test), so its mail does not reach this test';
});
after(async () => {
  await platform?.stop();
  await smtp?.close();
});

const gatehouse = async (...args: string[]) =>
  (
    await run(process.execPath, [CLI, ...args], {
      env: {
        PATH: process.env.PATH ?? '',
        GATEHOUSE_URL: platform.url('web'),
        GATEHOUSE_OPERATOR_KEY: E2E_OPERATOR_API_KEY,
      },
    })
  ).stdout;

describe('operator to creator', () => {
  test('CLI creates a creator → invitation mail → session cookie on media → CLI API key on media', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const slug = uniqueId('e2e-op').toLowerCase();
    const owner = `${slug}@example.test`;
    assert.match(
      await gatehouse('tenants', 'create', '--slug', slug, '--name', 'E2E Creator', '--owner-email', owner),
      /invitation mailed/,
    );

    const invite = await smtp.waitFor(owner, 15_000);
    const token = /confirm#token=([A-Za-z0-9_-]{43})/.exec(invite.text ?? '')?.[1];
    assert.ok(token, invite.text);
    const confirmed = await fetch(`${platform.url('web')}/web/v1/sign-in/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    assert.equal(confirmed.status, 200);
    const cookie = /gh_studio=[A-Za-z0-9_-]{43}/.exec(confirmed.headers.get('set-cookie') ?? '')?.[0];
    assert.ok(cookie);
    const { csrfToken } = (await confirmed.json()) as { csrfToken: string };

    const media = platform.url('media');
    const show = { slug: 'first-show', title: 'First show' };
    const post = (headers: Record<string, string>) =>
      fetch(`${media}/api/v1/shows`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, ...headers },
        body: JSON.stringify(show),
      });
    assert.equal((await post({})).status, 403, 'a write without the CSRF token');
    assert.equal((await post({ 'x-csrf-token': csrfToken })).status, 201);

    const key = JSON.parse(
      await gatehouse('api-keys', 'create', '--tenant', slug, '--name', 'e2e', '--json'),
    ) as { key: string };
    const listed = await fetch(`${media}/api/v1/shows`, { headers: { authorization: `Bearer ${key.key}` } });
    assert.equal(listed.status, 200);
    assert.match(await listed.text(), /first-show/);

    const out = await fetch(`${platform.url('web')}/web/v1/sign-out`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrfToken },
    });
    assert.equal(out.status, 204);
    assert.equal((await fetch(`${media}/api/v1/shows`, { headers: { cookie } })).status, 401);
  });
});
