import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createPrismaClient, type PrismaClient } from '@gatehouse/db';
import { sha256Hex } from '@gatehouse/sign-in';
import { stackEnv, uniqueId } from '@gatehouse/testkit';
import { sweepExpiredSignIns } from '../src/adapters/expired-sign-in.sweeper.ts';
import {
  buildWebApp,
  confirm,
  createTenant,
  fakeUiDir,
  type Mail,
  mailErrors,
  operator,
  sessionCookie,
  startMail,
  tokenOf,
  type WebApp,
} from './support/web-fixture.ts';

// Integration: creator sign-in over real Postgres and a real SMTP peer (smtp-server on a free port).
const env = stackEnv();
const BASE = 'http://127.0.0.1:58080';
let prisma: PrismaClient;
let mail: Mail;
let app: WebApp;
let uiDir: string;

before(async () => {
  prisma = createPrismaClient(env.databaseUrl, { poolSize: 4 });
  mail = await startMail();
  uiDir = await fakeUiDir();
  app = buildWebApp(prisma, mail, { uiDir, signInMailLimit: { limit: 3, windowSeconds: 900 } });
  await app.ready();
});
after(async () => {
  await app.close();
  await mail.close();
  await prisma.$disconnect();
  assert.deepEqual(mailErrors, []);
});

const email = () => `${uniqueId('creator')}@example.test`.toLowerCase();
const signInMail = (address: string) =>
  app.inject({ method: 'POST', url: '/web/v1/sign-in', payload: { email: address } });

describe('creator sign-in', () => {
  test('invite → confirm sets the session cookie; the token works once; the session answers', async () => {
    const owner = email();
    const { tenant } = await createTenant(app, uniqueId('t').toLowerCase(), owner);
    const invite = await mail.nth(owner, 1);
    assert.match(invite.subject ?? '', /invited/);
    const token = tokenOf(invite, BASE);

    const confirmed = await app.inject({
      method: 'POST',
      url: '/web/v1/sign-in/confirm',
      payload: { token },
    });
    assert.equal(confirmed.statusCode, 200, confirmed.body);
    const setCookie = String(confirmed.headers['set-cookie']);
    assert.match(setCookie, /^gh_studio=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    const session = confirmed.json();
    assert.equal(session.user.email, owner);
    assert.equal(session.tenant.id, tenant.id);
    assert.deepEqual(session.tenants, [
      { id: tenant.id, slug: tenant.slug, name: `Creator ${tenant.slug}`, role: 'owner' },
    ]);
    assert.match(session.csrfToken, /^[A-Za-z0-9_-]{43}$/);
    // Only hashes are stored.
    const stored = await prisma.creatorSession.findMany({ where: { userId: session.user.id } });
    assert.equal(stored.length, 1);
    assert.equal(stored[0]!.idHash, sha256Hex(sessionCookie(setCookie).slice('gh_studio='.length)));
    assert.equal(stored[0]!.csrfHash, sha256Hex(session.csrfToken));

    const again = await app.inject({ method: 'POST', url: '/web/v1/sign-in/confirm', payload: { token } });
    assert.equal(again.statusCode, 410);
    assert.equal(again.json().error.code, 'link_expired');

    const current = await app.inject({
      method: 'GET',
      url: '/web/v1/session',
      headers: { cookie: sessionCookie(setCookie) },
    });
    assert.equal(current.statusCode, 200);
    assert.deepEqual(current.json(), session);
    assert.equal((await app.inject({ method: 'GET', url: '/web/v1/session' })).statusCode, 401);
  });

  test('a sign-in mail arrives for a creator, links to the confirm page, and expires', async () => {
    const owner = email();
    await createTenant(app, uniqueId('t').toLowerCase(), owner);
    await mail.nth(owner, 1);
    const asked = await signInMail(`  ${owner.toUpperCase()} `);
    assert.equal(asked.statusCode, 202, asked.body);
    const signIn = await mail.nth(owner, 2);
    assert.equal(signIn.subject, 'Your Gatehouse sign-in link');
    const token = tokenOf(signIn, BASE);
    const link = await prisma.creatorMagicLink.findUniqueOrThrow({ where: { tokenHash: sha256Hex(token) } });
    const minutes = (link.expiresAt.getTime() - link.createdAt.getTime()) / 60_000;
    assert.ok(minutes > 14.9 && minutes <= 15.01, `15 min, was ${minutes}`);

    await prisma.creatorMagicLink.update({
      where: { id: link.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const expired = await app.inject({ method: 'POST', url: '/web/v1/sign-in/confirm', payload: { token } });
    assert.equal(expired.statusCode, 410);
    assert.equal(expired.json().error.code, 'link_expired');
    assert.equal(expired.headers['set-cookie'], undefined);
  });

  test('unknown and malformed tokens are 400 link_invalid', async () => {
    for (const token of ['A'.repeat(43), 'short', 'x'.repeat(200)]) {
      const answer = await app.inject({ method: 'POST', url: '/web/v1/sign-in/confirm', payload: { token } });
      assert.equal(answer.statusCode, 400, token);
      assert.equal(answer.json().error.code, 'link_invalid');
    }
  });

  test('no enumeration: an unknown address gets the same 202 and no mail', async () => {
    const known = email();
    await createTenant(app, uniqueId('t').toLowerCase(), known);
    await mail.nth(known, 1);
    const unknown = email();
    const [a, b] = await Promise.all([signInMail(unknown), signInMail(known)]);
    assert.equal(a.statusCode, 202);
    assert.equal(b.statusCode, 202);
    assert.deepEqual(a.json(), b.json());
    await mail.nth(known, 2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(mail.to(unknown).length, 0);
    assert.equal(await prisma.user.count({ where: { email: unknown } }), 0);
  });

  test('sign-in mail is rate-limited per address: 429 with a clear message', async () => {
    const address = email();
    for (let i = 0; i < 3; i++) assert.equal((await signInMail(address)).statusCode, 202);
    const limited = await signInMail(address);
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.json().error.code, 'RATE_LIMITED');
    assert.match(limited.json().error.message, /too many sign-in links .* try again in \d+ minutes/);
    assert.equal((await signInMail(email())).statusCode, 202, 'another address is not limited');
    const bad = await signInMail('not-an-address');
    assert.equal(bad.statusCode, 400);
  });

  test('switching tenants: members only (404 otherwise), CSRF required', async () => {
    const owner = email();
    const first = await createTenant(app, uniqueId('t').toLowerCase(), owner);
    const second = await createTenant(app, uniqueId('t').toLowerCase(), email());
    const stranger = await createTenant(app, uniqueId('t').toLowerCase(), email());
    const invited = await app.inject({
      method: 'POST',
      url: `/operator/v1/tenants/${second.tenant.slug}/invites`,
      headers: operator,
      payload: { email: owner },
    });
    assert.equal(invited.statusCode, 201, invited.body);
    assert.equal(invited.json().role, 'member');
    await mail.nth(owner, 2);
    const session = await confirm(app, tokenOf(await mail.nth(owner, 1), BASE));
    assert.equal(session.tenantId, first.tenant.id, 'owner tenants first');

    const switchTo = (tenantId: string, csrf?: string) =>
      app.inject({
        method: 'POST',
        url: '/web/v1/session/tenant',
        headers: { cookie: session.cookie, ...(csrf ? { 'x-csrf-token': csrf } : {}) },
        payload: { tenantId },
      });
    const noCsrf = await switchTo(second.tenant.id);
    assert.equal(noCsrf.statusCode, 403);
    assert.equal(noCsrf.json().error.code, 'csrf_invalid');
    const notMember = await switchTo(stranger.tenant.id, session.csrf);
    assert.equal(notMember.statusCode, 404);
    const switched = await switchTo(second.tenant.id, session.csrf);
    assert.equal(switched.statusCode, 200, switched.body);
    assert.equal(switched.json().tenant.id, second.tenant.id);
    assert.equal(switched.json().tenants.length, 2);
    const now = await app.inject({
      method: 'GET',
      url: '/web/v1/session',
      headers: { cookie: session.cookie },
    });
    assert.equal(now.json().tenant.id, second.tenant.id);
  });

  test('sign-out needs the CSRF token, ends the session and clears the cookie', async () => {
    const owner = email();
    await createTenant(app, uniqueId('t').toLowerCase(), owner);
    const session = await confirm(app, tokenOf(await mail.nth(owner, 1), BASE));
    const forged = await app.inject({
      method: 'POST',
      url: '/web/v1/sign-out',
      headers: { cookie: session.cookie },
    });
    assert.equal(forged.statusCode, 403);
    const out = await app.inject({
      method: 'POST',
      url: '/web/v1/sign-out',
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrf },
    });
    assert.equal(out.statusCode, 204);
    assert.match(
      String(out.headers['set-cookie']),
      /^gh_studio=; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0$/,
    );
    const after = await app.inject({
      method: 'GET',
      url: '/web/v1/session',
      headers: { cookie: session.cookie },
    });
    assert.equal(after.statusCode, 401);
    assert.equal(
      (await app.inject({ method: 'POST', url: '/web/v1/sign-out' })).statusCode,
      204,
      'idempotent',
    );
  });

  test('cookies are Secure when the public base URL is https', async () => {
    const secure = buildWebApp(prisma, mail, { uiDir, publicBaseUrl: 'https://gatehouse.example' });
    try {
      const owner = email();
      await createTenant(secure, uniqueId('t').toLowerCase(), owner);
      const token = tokenOf(await mail.nth(owner, 1), 'https://gatehouse.example');
      const confirmed = await secure.inject({
        method: 'POST',
        url: '/web/v1/sign-in/confirm',
        payload: { token },
      });
      assert.match(String(confirmed.headers['set-cookie']), /; HttpOnly; SameSite=Lax; Max-Age=\d+; Secure$/);
    } finally {
      await secure.close();
    }
  });
});

describe('expired sign-ins', () => {
  test('the sweeper deletes ended sessions and long-expired links, nothing live', async () => {
    const owner = email();
    await createTenant(app, uniqueId('t').toLowerCase(), owner);
    const invite = tokenOf(await mail.nth(owner, 1), BASE);
    const live = await confirm(app, invite);
    assert.equal((await signInMail(owner)).statusCode, 202);
    const ended = await confirm(app, tokenOf(await mail.nth(owner, 2), BASE));
    const user = await prisma.user.findUniqueOrThrow({ where: { email: owner } });
    const sessions = await prisma.creatorSession.findMany({
      where: { userId: user.id },
      orderBy: { createdAt: 'asc' },
    });
    assert.equal(sessions.length, 2);
    await prisma.creatorSession.update({
      where: { idHash: sessions[1]!.idHash },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    await prisma.creatorMagicLink.updateMany({
      where: { userId: user.id, tokenHash: sha256Hex(invite) },
      data: { expiresAt: new Date(Date.now() - 2 * 24 * 3600 * 1000) },
    });
    const swept = await sweepExpiredSignIns(prisma);
    assert.ok(swept.sessions >= 1 && swept.links >= 1, JSON.stringify(swept));
    assert.equal(await prisma.creatorSession.count({ where: { userId: user.id } }), 1);
    assert.equal(
      await prisma.creatorMagicLink.count({ where: { userId: user.id } }),
      1,
      'the fresh link stays',
    );
    const still = await app.inject({
      method: 'GET',
      url: '/web/v1/session',
      headers: { cookie: live.cookie },
    });
    assert.equal(still.statusCode, 200);
    const gone = await app.inject({
      method: 'GET',
      url: '/web/v1/session',
      headers: { cookie: ended.cookie },
    });
    assert.equal(gone.statusCode, 401);
  });
});

describe('creator API keys (/web/v1/api-keys)', () => {
  test('create shows the key once; list never does; revoke is scoped to the session tenant', async () => {
    const owner = email();
    const mine = await createTenant(app, uniqueId('t').toLowerCase(), owner);
    const session = await confirm(app, tokenOf(await mail.nth(owner, 1), BASE));
    const headers = { cookie: session.cookie, 'x-csrf-token': session.csrf };

    const withoutCsrf = await app.inject({
      method: 'POST',
      url: '/web/v1/api-keys',
      headers: { cookie: session.cookie },
      payload: { name: 'upload script' },
    });
    assert.equal(withoutCsrf.statusCode, 403);
    assert.equal(
      await prisma.tenantApiKey.count({ where: { tenantId: mine.tenant.id } }),
      0,
      'nothing written',
    );

    const created = await app.inject({
      method: 'POST',
      url: '/web/v1/api-keys',
      headers,
      payload: { name: 'upload script' },
    });
    assert.equal(created.statusCode, 201, created.body);
    const key = created.json();
    assert.match(key.key, new RegExp(`^ghk_${key.prefix}_[A-Za-z0-9_-]{43}$`));
    const listed = await app.inject({
      method: 'GET',
      url: '/web/v1/api-keys',
      headers: { cookie: session.cookie },
    });
    assert.equal(listed.statusCode, 200);
    assert.equal(listed.json().items.length, 1);
    assert.equal(listed.json().items[0].key, undefined);
    assert.ok(!listed.body.includes(key.key));

    const other = await app.inject({
      method: 'POST',
      url: `/operator/v1/tenants/${(await createTenant(app, uniqueId('t').toLowerCase(), email())).tenant.id}/api-keys`,
      headers: operator,
      payload: { name: 'theirs' },
    });
    assert.equal(other.statusCode, 201);
    const foreign = await app.inject({
      method: 'DELETE',
      url: `/web/v1/api-keys/${other.json().id}`,
      headers,
    });
    assert.equal(foreign.statusCode, 404, "another tenant's key is not found");
    assert.equal(
      (await prisma.tenantApiKey.findUniqueOrThrow({ where: { id: other.json().id } })).revokedAt,
      null,
    );

    const revoked = await app.inject({ method: 'DELETE', url: `/web/v1/api-keys/${key.id}`, headers });
    assert.equal(revoked.statusCode, 204);
    const after = await app.inject({
      method: 'GET',
      url: '/web/v1/api-keys',
      headers: { cookie: session.cookie },
    });
    assert.notEqual(after.json().items[0].revokedAt, null);
  });
});
