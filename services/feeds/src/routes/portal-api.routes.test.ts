import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { createLogger } from '@gatehouse/logging';
import { parseKeyring, verifyAccessToken } from '@gatehouse/tokens';
import { buildApp } from '../app.ts';
import type { FeedService } from '../domain/feed-service.ts';
import { createPortalService, type PortalStore } from '../domain/portal-service.ts';

// The Checkout sign-in's success path, which stripe-mock cannot reach (it answers every Checkout
// Session lookup with one fixed `open` session): the real portal service over in-memory doubles of
// our own store and Stripe gateway interfaces. The Postgres/stripe-mock paths are in test/.
const keyring = parseKeyring(`k1:${randomBytes(32).toString('base64url')}`, 'k1');
const tenant = { id: randomUUID(), slug: 'night-owls', name: 'Night Owls' };
const subscriberId = randomUUID();
const showId = randomUUID();
const planId = randomUUID();
const now = 1_800_000_000_000;
const sessions = new Map<string, { tenantId: string; subscriberId: string }>();
const unused = () => {
  throw new Error('not used by this test');
};
const store: PortalStore = {
  findTenantBySlug: async (slug) => (slug === tenant.slug ? tenant : undefined),
  findSubscriberByEmail: unused,
  findSubscriberByCustomer: async (customer) =>
    customer === 'cus_paid' ? [{ id: subscriberId, tenantId: tenant.id }] : [],
  tenantStripeAccount: async (slug) => (slug === tenant.slug ? null : undefined),
  createMagicLink: unused,
  consumeMagicLink: unused,
  createSession: async (session) => {
    sessions.set(session.idHash, session);
  },
  findSession: async (idHash) => sessions.get(idHash),
  deleteSession: async (idHash) => {
    sessions.delete(idHash);
  },
  loadAccount: async () => ({
    email: 'paid@example.com',
    tenantId: tenant.id,
    tenantName: tenant.name,
    stripeCustomerId: 'cus_paid',
    stripeAccountId: null,
  }),
  listShows: async () => [{ id: showId, title: 'Night Owls' }],
};
const checkoutSessions: Record<string, { customer: string | null; status: string | null; created: number }> =
  {
    cs_test_paid: { customer: 'cus_paid', status: 'complete', created: now / 1000 - 60 },
    cs_test_early: { customer: 'cus_not_yet_recorded', status: 'complete', created: now / 1000 - 5 },
  };
const portal = createPortalService({
  store,
  access: {
    loadSubscriberAccess: async () => ({
      tenantId: tenant.id,
      subscriberId,
      generation: 3,
      plans: [{ planId, until: null }],
      lifecycle: 'active',
      changedAt: now,
    }),
    loadPlanGrants: async () => [
      { planId, tenantId: tenant.id, showIds: [showId], episodeIds: [], changedAt: now },
    ],
  },
  mailer: { send: unused },
  stripe: {
    retrieveCheckoutSession: async (id) =>
      checkoutSessions[id] ?? { customer: null, status: 'open', created: now / 1000 },
    createBillingPortalSession: unused,
  },
  rotator: { rotate: unused },
  keyring,
  baseUrl: 'https://listen.example.test',
  sessionTtlSeconds: 3600,
  magicLinkTtlSeconds: 600,
  now: () => now,
});
const app = buildApp({
  logger: createLogger({ level: 'silent', service: 'feeds-test' }),
  readiness: [],
  feeds: {} as FeedService,
  portal,
  secureCookies: true,
});

const signIn = (sessionId: string) =>
  app.inject({
    method: 'POST',
    url: `/portal/${tenant.slug}/api/checkout-sign-in`,
    headers: { 'content-type': 'application/json' },
    payload: { sessionId },
  });

test('a completed Checkout signs the listener in: Secure HttpOnly cookie, account with feed and feed token', async () => {
  const response = await signIn('cs_test_paid');
  assert.equal(response.statusCode, 200, response.body);
  const cookie = String(response.headers['set-cookie']);
  assert.match(
    cookie,
    /^gh_portal=[A-Za-z0-9_-]{43}; Path=\/portal; HttpOnly; SameSite=Lax; Max-Age=3600; Secure$/,
  );
  assert.equal(response.headers['cache-control'], 'no-store');
  assert.equal(response.headers['referrer-policy'], 'no-referrer');
  const body = response.json();
  assert.equal(body.email, 'paid@example.com');
  assert.deepEqual(body.tenant, { slug: tenant.slug, name: tenant.name });
  assert.equal(body.feeds[0].url, `https://listen.example.test/f/${body.feedToken}/${showId}.xml`);
  const verified = verifyAccessToken(keyring, body.feedToken);
  assert.ok(verified.ok && verified.claims.subscriberId === subscriberId && verified.claims.generation === 3);

  // The new cookie is a session: the account answers with the same CSRF token.
  const account = await app.inject({
    method: 'GET',
    url: `/portal/${tenant.slug}/api/account`,
    headers: { cookie: cookie.split(';')[0]! },
  });
  assert.equal(account.statusCode, 200);
  assert.equal(account.json().csrfToken, body.csrfToken);
});

test('a completed Checkout whose subscription is not recorded yet is 409 (the page retries), no cookie', async () => {
  const response = await signIn('cs_test_early');
  assert.equal(response.statusCode, 409);
  assert.equal(response.headers['set-cookie'], undefined);
  assert.match(response.json().error.message, /still being set up/);
});
