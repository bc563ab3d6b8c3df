import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createBillingRotationClient } from '@gatehouse/clients';
import { createPrismaClient, type PrismaClient } from '@gatehouse/db';
import { createLogger } from '@gatehouse/logging';
import { stackEnv } from '@gatehouse/testkit';
import { verifyAccessToken } from '@gatehouse/tokens';
import { Redis } from 'ioredis';
import { type Browser, chromium } from 'playwright-core';
import { createStripeClient, createStripeGateway } from '../../billing/src/adapters/stripe-gateway.ts';
import { createWebhookVerifier } from '../../billing/src/adapters/webhook-verifier.ts';
import { buildApp as buildBillingApp } from '../../billing/src/app.ts';
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
 * The subscriber portal in headless Chromium, over real Postgres, Redis, a real SMTP peer and
 * stripe-mock. "Reset my feed link" goes over HTTP to the real billing app (its buildApp on real
 * Postgres, its internal rotation route), which bumps the generation and writes the
 * gh.access.token.rotated.v1 outbox row. Screenshots land in test-artifacts/ (gitignored).
 */
const env = stackEnv();
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(import.meta.dirname, '../../../test-artifacts');
const { keyring } = testKeyring();
const INTERNAL_API_TOKEN = 'portal-test-internal-token-0123456789abcdef';
let prisma: PrismaClient;
let redis: Redis;
let billing: ReturnType<typeof buildBillingApp>;
let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
let built: ReturnType<typeof buildFeedsApp>;
let base: string;
let browser: Browser | undefined;
let tenantSlug: string;
let showId: string;
const subs: Record<string, Awaited<ReturnType<typeof seedSubscriber>>> = {};

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
  smtp = await startSmtpCapture(env.smtpUrl);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const stripe = createStripeClient({
    STRIPE_SECRET_KEY: env.stripe.secretKey,
    STRIPE_API_HOST: env.stripe.host,
    STRIPE_API_PORT: env.stripe.port,
    STRIPE_API_PROTOCOL: env.stripe.protocol,
  });
  billing = buildBillingApp({
    logger: createLogger({ level: 'silent', service: 'billing-test' }),
    readiness: [],
    prisma,
    gateway: createStripeGateway(stripe),
    verifier: createWebhookVerifier(stripe, ['whsec_portal_test']),
    onCommitted: () => {},
    publicBaseUrl: base,
    internalApiToken: INTERNAL_API_TOKEN,
  });
  const billingUrl = await billing.listen({ host: '127.0.0.1', port: 0 });
  built = buildFeedsApp({
    prisma,
    redis,
    keyring,
    smtpUrl: env.smtpUrl,
    stripe: env.stripe,
    baseUrl: base,
    rotator: createBillingRotationClient(billingUrl, INTERNAL_API_TOKEN, 'subscriber'),
  });
  await built.app.listen({ host: '127.0.0.1', port });
  const tenant = await seedTenant(prisma, { name: 'Acme <Audio> & Co' });
  tenantSlug = tenant.slug;
  const show = await seedShow(prisma, tenant.id, { title: 'Premium <Show>' });
  showId = show.id;
  await seedEpisode(prisma, tenant.id, show.id, { visibility: 'premium' });
  const plan = await seedPlan(prisma, tenant.id, { showIds: [show.id] });
  subs.active = await seedSubscriber(prisma, keyring, tenant.id, plan.id, 'active');
  subs.cancelled = await seedSubscriber(prisma, keyring, tenant.id, plan.id, 'canceled');
  mkdirSync(ARTIFACTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await built.app.close();
  await billing.close();
  await smtp.close();
  redis.disconnect();
  await prisma.$disconnect();
});

/** The subscriber's generation after each rotation billing committed (from its outbox rows). */
async function rotationsOf(subscriberId: string): Promise<number[]> {
  const rows = await prisma.outboxMessage.findMany({
    where: { subject: 'gh.access.token.rotated.v1', msgId: { startsWith: `rotated:${subscriberId}:` } },
    orderBy: { createdAt: 'asc' },
  });
  const credential = await prisma.accessCredential.findUnique({ where: { subscriberId } });
  assert.equal(credential?.generation, 1 + rows.length, 'generation and outbox rows move together');
  return rows.map((row) => (row.payload as { access: { generation: number } }).access.generation);
}

async function signInByMail(email: string) {
  const page = await browser!.newPage();
  await page.goto(`${base}/portal/${tenantSlug}/sign-in`);
  await page.fill('input[name=email]', email);
  await Promise.all([page.waitForLoadState('load'), page.click('button[type=submit]')]);
  assert.match((await page.textContent('h1')) ?? '', /Check your e-mail/);
  const mail = await smtp.waitFor(email);
  const link = /https?:\/\/\S+\/portal\/magic\?token=[A-Za-z0-9_-]{43}/.exec(mail.text ?? '')?.[0];
  assert.ok(link, 'the e-mail carries a magic link');
  await page.goto(link);
  await Promise.all([page.waitForURL(`${base}/portal/account`), page.click('#confirm')]);
  return { page, link };
}

describe('subscriber portal in headless Chromium', () => {
  let unavailable = '';
  before(async () => {
    try {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
    } catch (error) {
      unavailable = `Chromium is not available at ${CHROMIUM}: ${(error as Error).message.split('\n')[0]}`;
    }
  });

  test('an active subscriber signs in by e-mail and sees their private feed link', async (t) => {
    if (!browser) return t.skip(unavailable);
    const { page, link } = await signInByMail(subs.active!.subscriber.email);
    const links = await page.$$eval('a.feed-link', (anchors) =>
      anchors.map((a) => a.getAttribute('href') ?? ''),
    );
    assert.equal(links.length, 1);
    const url = new URL(links[0]!);
    const [, f, token, file] = url.pathname.split('/');
    assert.equal(f, 'f');
    assert.equal(file, `${showId}.xml`);
    const verified = verifyAccessToken(keyring, token!);
    assert.ok(verified.ok && verified.claims.subscriberId === subs.active!.subscriber.id);
    assert.match(await page.content(), /Premium &lt;Show&gt;/, 'show title escaped');
    await page.screenshot({ path: join(ARTIFACTS, 'portal-active.png'), fullPage: true });
    const cookies = await page.context().cookies();
    const session = cookies.find((cookie) => cookie.name === 'gh_portal');
    assert.ok(session?.httpOnly, 'session cookie is HttpOnly');
    assert.equal(session?.sameSite, 'Lax');

    // Reset the feed link: POST form with the CSRF token.
    const subscriberId = subs.active!.subscriber.id;
    await Promise.all([page.waitForURL(/done=reset/), page.click('#reset-feed')]);
    assert.deepEqual(await rotationsOf(subscriberId), [2], 'billing bumped the generation once');

    // The magic link works once.
    const reuse = await fetch(`${base}/portal/magic`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: new URL(link).searchParams.get('token')! }),
      redirect: 'manual',
    });
    assert.equal(reuse.status, 410);

    // Manage billing: a Stripe customer portal session (stripe-mock) behind a 303.
    const csrf = await page.getAttribute('#manage-billing >> xpath=.. >> input[name=csrf]', 'value');
    const cookieHeader = `gh_portal=${session!.value}`;
    const billing = await fetch(`${base}/portal/account/billing`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader },
      body: new URLSearchParams({ csrf: csrf! }),
      redirect: 'manual',
    });
    assert.equal(billing.status, 303);
    assert.match(billing.headers.get('location') ?? '', /^https:\/\/.*stripe/);
    const forged = await fetch(`${base}/portal/account/reset-feed`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader },
      body: new URLSearchParams({ csrf: 'x'.repeat(43) }),
      redirect: 'manual',
    });
    assert.equal(forged.status, 403, 'a POST without the right CSRF token is refused');
    assert.deepEqual(await rotationsOf(subscriberId), [2], 'the refused POST rotated nothing');
    await page.close();
  });

  test('a cancelled subscriber signs in and sees no feed link', async (t) => {
    if (!browser) return t.skip(unavailable);
    const { page } = await signInByMail(subs.cancelled!.subscriber.email);
    assert.equal(await page.locator('a.feed-link').count(), 0);
    assert.ok(await page.isVisible('#no-access'));
    assert.ok(!(await page.content()).includes('/f/'), 'no feed URL anywhere on the page');
    await page.screenshot({ path: join(ARTIFACTS, 'portal-cancelled.png'), fullPage: true });
    await page.close();
  });
});

describe('portal without a browser', () => {
  test('unknown e-mail gets the same answer and no mail', async () => {
    const before = smtp.messages.length;
    const response = await built.app.inject({
      method: 'POST',
      url: `/portal/${tenantSlug}/sign-in`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'email=nobody%40example.com',
    });
    assert.equal(response.statusCode, 200);
    assert.match(response.body, /Check your e-mail/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(smtp.messages.length, before);
  });

  test('account page without a session is 401, with no-store', async () => {
    const response = await built.app.inject({ method: 'GET', url: '/portal/account' });
    assert.equal(response.statusCode, 401);
    assert.equal(response.headers['cache-control'], 'no-store');
  });

  test('Checkout redirect with a session that is not complete (stripe-mock fixture) is refused', async () => {
    const response = await built.app.inject({ method: 'GET', url: '/portal/welcome?session_id=cs_test_123' });
    assert.equal(response.statusCode, 409);
    assert.equal(response.headers['set-cookie'], undefined);
    const bad = await built.app.inject({ method: 'GET', url: '/portal/welcome?session_id=<script>' });
    assert.equal(bad.statusCode, 400);
  });
});
