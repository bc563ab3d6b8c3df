import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createPrismaClient, type PrismaClient } from '@gatehouse/db';
import { stackEnv } from '@gatehouse/testkit';
import { verifyAccessToken } from '@gatehouse/tokens';
import { Redis } from 'ioredis';
import { buildFeedsApp } from './support/feeds-app.ts';
import {
  seedEpisode,
  seedPlan,
  seedShow,
  seedSubscriber,
  seedTenant,
  testKeyring,
} from './support/feeds-fixture.ts';
import { startSmtpCapture } from './support/smtp-capture.ts';

/**
 * The portal's JSON API for the listener pages (`/portal/:tenantSlug/api/…`) on real Postgres,
 * Redis, a real SMTP peer and stripe-mock: sign-in by e-mail link, the account with its private
 * feed and feed token, CSRF on every signed-in POST, the Stripe customer portal, sign-out, and
 * the headers that keep pages carrying feed tokens out of caches and Referer headers.
 */
const env = stackEnv();
const { keyring } = testKeyring();
let prisma: PrismaClient;
let redis: Redis;
let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
let built: ReturnType<typeof buildFeedsApp>;
let tenant: { id: string; slug: string; name: string };
let otherTenant: { slug: string };
let showId: string;
let active: Awaited<ReturnType<typeof seedSubscriber>>;
let cancelled: Awaited<ReturnType<typeof seedSubscriber>>;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

before(async () => {
  prisma = createPrismaClient(env.databaseUrl);
  redis = new Redis(env.redisUrl, { maxRetriesPerRequest: 1 });
  // Own SMTP port: other tests may hold the stack's one.
  const smtpUrl = `smtp://127.0.0.1:${await freePort()}`;
  smtp = await startSmtpCapture(smtpUrl);
  built = buildFeedsApp({ prisma, redis, keyring, smtpUrl, stripe: env.stripe });
  tenant = await seedTenant(prisma, { name: 'Listener API Audio' });
  otherTenant = await seedTenant(prisma);
  const show = await seedShow(prisma, tenant.id, { title: 'Premium Show' });
  showId = show.id;
  await seedEpisode(prisma, tenant.id, show.id, { visibility: 'premium' });
  const plan = await seedPlan(prisma, tenant.id, { showIds: [show.id] });
  active = await seedSubscriber(prisma, keyring, tenant.id, plan.id, 'active');
  cancelled = await seedSubscriber(prisma, keyring, tenant.id, plan.id, 'canceled');
});

after(async () => {
  await built?.app.close();
  await smtp?.close();
  redis?.disconnect();
  await prisma?.$disconnect();
});

const api = (path: string) => `/portal/${tenant.slug}/api/${path}`;
const json = { 'content-type': 'application/json' };
const post = (path: string, headers: Record<string, string>, payload?: object | string) =>
  built.app.inject({
    method: 'POST',
    url: path.startsWith('/') ? path : api(path),
    headers,
    ...(payload === undefined ? {} : { payload }),
  });

/** Signs in through the e-mail link (the JSON request, then the portal's own link); the cookie. */
async function signIn(email: string): Promise<string> {
  const requested = await post('sign-in-link', json, { email });
  assert.equal(requested.statusCode, 202);
  const mail = await smtp.waitFor(email);
  const token = /\/portal\/magic\?token=([A-Za-z0-9_-]{43})/.exec(mail.text ?? '')?.[1];
  assert.ok(token, 'the e-mail carries a sign-in link');
  const confirmed = await post(
    '/portal/magic',
    { 'content-type': 'application/x-www-form-urlencoded' },
    `token=${token}`,
  );
  assert.equal(confirmed.statusCode, 303);
  const cookie = /gh_portal=([A-Za-z0-9_-]{43})/.exec(String(confirmed.headers['set-cookie']))?.[1];
  assert.ok(cookie);
  return `gh_portal=${cookie}`;
}

function assertPrivateHeaders(headers: Record<string, unknown>) {
  assert.equal(headers['cache-control'], 'no-store');
  assert.equal(headers['referrer-policy'], 'no-referrer');
}

describe('portal JSON API for the listener pages', () => {
  test('account: private feed URL, a feed token that verifies, CSRF token; private headers', async () => {
    const cookie = await signIn(active.subscriber.email);
    const response = await built.app.inject({ method: 'GET', url: api('account'), headers: { cookie } });
    assert.equal(response.statusCode, 200, response.body);
    assertPrivateHeaders(response.headers);
    const body = response.json();
    assert.deepEqual(body.tenant, { slug: tenant.slug, name: 'Listener API Audio' });
    assert.equal(body.email, active.subscriber.email);
    assert.equal(body.granted, true);
    assert.equal(body.canManageBilling, true);
    assert.equal(body.feeds.length, 1);
    assert.equal(body.feeds[0].showId, showId);
    assert.equal(body.feeds[0].url, `https://media.example.test/f/${body.feedToken}/${showId}.xml`);
    const verified = verifyAccessToken(keyring, body.feedToken);
    assert.ok(verified.ok && verified.claims.subscriberId === active.subscriber.id);
    assert.match(body.csrfToken, /^[A-Za-z0-9_-]{43}$/);

    // Manage billing: POST with the CSRF header → a Stripe customer portal URL (stripe-mock).
    const noCsrf = await post('billing-portal', { cookie });
    assert.equal(noCsrf.statusCode, 403);
    assert.equal(noCsrf.json().error.code, 'FORBIDDEN');
    const wrong = await post('billing-portal', { cookie, 'x-csrf-token': 'x'.repeat(43) });
    assert.equal(wrong.statusCode, 403);
    const portal = await post('billing-portal', { cookie, 'x-csrf-token': body.csrfToken });
    assert.equal(portal.statusCode, 200, portal.body);
    assert.match(portal.json().url, /^https:\/\/.*stripe/);
    assertPrivateHeaders(portal.headers);

    // A reset without the CSRF header rotates nothing.
    const reset = await built.app.inject({ method: 'POST', url: api('reset-feed'), headers: { cookie } });
    assert.equal(reset.statusCode, 403);

    // Another creator's API does not accept this listener's session.
    const elsewhere = await built.app.inject({
      method: 'GET',
      url: `/portal/${otherTenant.slug}/api/account`,
      headers: { cookie },
    });
    assert.equal(elsewhere.statusCode, 401);

    // Sign out: the session ends, its CSRF token with it.
    const out = await post('sign-out', { cookie, 'x-csrf-token': body.csrfToken });
    assert.equal(out.statusCode, 204);
    assert.match(
      String(out.headers['set-cookie']),
      /gh_portal=; Path=\/portal; HttpOnly; SameSite=Lax; Max-Age=0/,
    );
    const after = await built.app.inject({ method: 'GET', url: api('account'), headers: { cookie } });
    assert.equal(after.statusCode, 401);
    const replay = await post('billing-portal', { cookie, 'x-csrf-token': body.csrfToken });
    assert.equal(replay.statusCode, 401, 'a signed-out session and its CSRF token are dead');
  });

  test('a cancelled listener signs in and gets no feed URL and no feed token', async () => {
    const cookie = await signIn(cancelled.subscriber.email);
    const body = (await built.app.inject({ method: 'GET', url: api('account'), headers: { cookie } })).json();
    assert.equal(body.granted, false);
    assert.deepEqual(body.feeds, []);
    assert.equal(body.feedToken, null);
  });

  test('signed out: 401 JSON with the private headers', async () => {
    const response = await built.app.inject({ method: 'GET', url: api('account') });
    assert.equal(response.statusCode, 401);
    assert.equal(response.json().error.code, 'UNAUTHENTICATED');
    assertPrivateHeaders(response.headers);
  });

  test('sign-in link: unknown address answers the same and sends nothing; only JSON is accepted', async () => {
    const sent = smtp.messages.length;
    const unknown = await post('sign-in-link', json, { email: 'nobody@example.com' });
    assert.equal(unknown.statusCode, 202);
    assert.deepEqual(unknown.json(), { sent: true });
    const form = await post(
      'sign-in-link',
      { 'content-type': 'application/x-www-form-urlencoded' },
      `email=${encodeURIComponent(active.subscriber.email)}`,
    );
    assert.equal(form.statusCode, 415, 'a cross-site form cannot start a sign-in');
    const invalid = await post('sign-in-link', json, { email: 'not-an-address' });
    assert.equal(invalid.statusCode, 400);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(smtp.messages.length, sent);
  });

  test('checkout sign-in: an incomplete session (stripe-mock fixture) is 409 with no cookie; bad input 400/404/415', async () => {
    const open = await post('checkout-sign-in', json, { sessionId: 'cs_test_123' });
    assert.equal(open.statusCode, 409);
    assert.equal(open.json().error.code, 'CONFLICT');
    assert.equal(open.headers['set-cookie'], undefined);
    assertPrivateHeaders(open.headers);
    const bad = await post('checkout-sign-in', json, { sessionId: '<script>' });
    assert.equal(bad.statusCode, 400);
    const unknownCreator = await post('/portal/no-such-creator-x/api/checkout-sign-in', json, {
      sessionId: 'cs_test_123',
    });
    assert.equal(unknownCreator.statusCode, 404);
    const form = await post(
      'checkout-sign-in',
      { 'content-type': 'application/x-www-form-urlencoded' },
      'sessionId=cs_test_123',
    );
    assert.equal(form.statusCode, 415);
  });
});
