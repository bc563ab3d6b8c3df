import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { stackEnv, stripeEvent, subscriptionObject, uniqueId, waitFor } from '@gatehouse/testkit';
import type { Browser } from 'playwright-core';
import Parser from 'rss-parser';
import Stripe from 'stripe';
import { checkPage, launchBrowser, newContext, throttleUploads } from '../support/browser.ts';
import {
  E2E_OPERATOR_API_KEY,
  E2E_WEBHOOK_SECRET,
  type Platform,
  startPlatform,
} from '../support/platform.ts';
import { type MailCapture, startMailCapture } from './support/creators.ts';
import { dashboardApi } from './support/dashboard-api.ts';
import { writeMp3 } from './support/mp3-file.ts';

/**
 * The whole product in one walk, through the nginx edge in Chromium (issue 10, "Done when"):
 * the operator creates a creator with the `gatehouse` CLI → the creator signs in from the invitation
 * mail, connects Stripe (Account Link from stripe-mock; `account.updated` signed as Stripe signs
 * it), creates a show and a plan, uploads a 50 MiB episode watching the progress bar, publishes →
 * a listener on a phone opens the show page and subscribes (the Checkout URL billing answers; the
 * completion arrives as signed webhooks) → the welcome page signs them in and shows the private
 * feed → the feed parses and its enclosure answers a Range request → the creator sees the
 * subscriber → the listener cancels (the Stripe portal; the cancellation arrives as a signed
 * webhook) → the media request is denied.
 *
 * Real parts: Postgres, Redis, NATS JetStream, MinIO, nginx, stripe-mock, the six services started
 * by the e2e harness, a real SMTP peer, Debian's Chromium. Every page is checked with axe-core and
 * photographed into test-artifacts/pages/journey-*.png (the screenshots are not the assertion).
 */
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const CLI = path.join(ROOT, 'packages', 'cli', 'bin', 'gatehouse.mjs');
const MiB = 1024 * 1024;
const run = promisify(execFile);

let platform: Platform;
let smtp: MailCapture;
let browser: Browser;
let files: string;
let edge: string;

before(async () => {
  // Services the harness starts mail to the stack's SMTP_URL, where the capture listens; a running
  // local platform (scripts/platform.sh) mails to its own catcher, whose file is read instead.
  smtp = await startMailCapture();
  platform = await startPlatform(['auth', 'media', 'feeds', 'billing', 'web'], { timeoutMs: 90_000 });
  edge = stackEnv().edgeUrl;
  browser = await launchBrowser();
  files = await mkdtemp(path.join(tmpdir(), 'gatehouse-journey-'));
});
after(async () => {
  await browser?.close();
  await platform?.stop();
  await smtp?.close();
  if (files) await rm(files, { recursive: true, force: true });
});

/** Posts an event to billing through the edge, signed as Stripe signs it. */
async function stripeWebhook(type: string, object: unknown, account?: string): Promise<void> {
  const payload = JSON.stringify(stripeEvent(type, object, account ? { account } : {}));
  const signature = new Stripe('sk_test_123').webhooks.generateTestHeaderString({
    payload,
    secret: E2E_WEBHOOK_SECRET,
  });
  const response = await fetch(`${edge}/billing/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body: payload,
  });
  assert.equal(response.status, 200, `webhook ${type}: ${await response.text()}`);
}

/** The mailed link of `kind` to `email`, on the edge the browser uses. */
async function mailedLink(email: string, pattern: RegExp): Promise<string> {
  const mail = await smtp.waitFor(email, 20_000);
  const link = pattern.exec(mail.text ?? '')?.[0];
  assert.ok(link, `no link matching ${pattern} in "${mail.subject}":\n${mail.text}`);
  const url = new URL(link);
  return `${edge}${url.pathname}${url.search}${url.hash}`;
}

async function rangeStatus(url: string): Promise<number> {
  const response = await fetch(url, { headers: { range: 'bytes=0-1' } });
  await response.arrayBuffer();
  return response.status;
}

describe('the product, end to end in a browser', () => {
  test('operator → creator → show, plan, 50 MiB episode → listener subscribes, listens, cancels → denied', async () => {
    const slug = uniqueId('journey').toLowerCase().slice(0, 40);
    const ownerEmail = `${slug}@creators.example`;
    const listenerEmail = `${slug}@listeners.example`;

    // ── Operator: the CLI creates the creator; the owner is invited by mail.
    const { stdout } = await run(
      process.execPath,
      [CLI, 'tenants', 'create', '--slug', slug, '--name', 'Night Owls Studio', '--owner-email', ownerEmail],
      {
        env: {
          PATH: process.env.PATH ?? '',
          GATEHOUSE_URL: edge,
          GATEHOUSE_OPERATOR_KEY: E2E_OPERATOR_API_KEY,
        },
      },
    );
    assert.match(stdout, /invitation mailed/);

    // ── Creator signs in from the invitation.
    const creator = await newContext(browser, 'desktop', edge);
    const page = await creator.newPage();
    await page.goto(await mailedLink(ownerEmail, /https?:\/\/\S+\/app\/sign-in\/confirm#token=[\w-]+/));
    await checkPage(page, 'journey-01-sign-in-confirm');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('banner').waitFor();
    const api = await dashboardApi(page);

    // ── Connects Stripe: the onboarding link (stripe-mock's Account Link; Stripe's own pages are
    // not reachable, so the browser is answered here), then Stripe's account.updated.
    await page.goto(`${edge}/app/settings/payments`);
    await page.getByRole('button', { name: 'Connect with Stripe' }).waitFor();
    await checkPage(page, 'journey-02-payments');
    const ours = new URL(edge).host;
    const away = (url: URL) => url.host !== ours;
    await page.route(away, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Stripe</title>' }),
    );
    await page.getByRole('button', { name: 'Connect with Stripe' }).click();
    await page.waitForURL(away);
    const accountLink = page.url();
    await page.unroute(away);
    assert.match(accountLink, /^https:\/\/[^/]*stripe\./);
    const connect = await api.get<{ accountId: string; chargesEnabled: boolean }>('/billing/v1/connect');
    assert.match(connect.accountId, /^acct_/);
    await stripeWebhook(
      'account.updated',
      {
        id: connect.accountId,
        object: 'account',
        charges_enabled: true,
        details_submitted: true,
        payouts_enabled: true,
      },
      connect.accountId,
    );
    await page.goto(`${edge}/app/settings/payments?onboarding=return`);
    await page.getByText('Listeners can subscribe to your plans.').waitFor({ timeout: 20_000 });
    await checkPage(page, 'journey-03-payments-connected');

    // ── Creates a show.
    await page.goto(`${edge}/app/shows/new`);
    await page.getByLabel('Title').fill('Night Owls');
    await page.getByLabel('Slug').fill('night-owls');
    await checkPage(page, 'journey-04-show-new');
    await page.getByRole('button', { name: 'Create show' }).click();
    await page.getByRole('heading', { level: 1, name: 'Night Owls' }).waitFor();

    // ── Creates an episode, uploads 50 MiB straight to storage with the progress bar, publishes.
    await page.getByRole('link', { name: 'New episode' }).click();
    await page.getByLabel('Title').fill('Episode 1: After midnight');
    await page.getByRole('button', { name: 'Create episode' }).click();
    await page.getByRole('heading', { level: 1, name: 'Episode 1: After midnight' }).waitFor();
    const mp3 = await writeMp3(files, 'after-midnight.mp3', 50 * MiB);
    await throttleUploads(page, 16 * MiB);
    await page.locator('section[aria-labelledby="audio-heading"] input[type="file"]').setInputFiles(mp3);
    const progress = page.getByTestId('upload-progress');
    await progress.waitFor();
    const percents = new Set<number>();
    while (!(await page.getByTestId('upload-ready').isVisible())) {
      const value = Number((await progress.getAttribute('data-percent').catch(() => null)) ?? Number.NaN);
      if (Number.isFinite(value)) percents.add(value);
      if (percents.size === 2) await checkPage(page, 'journey-05-uploading');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(
      [...percents].filter((p) => p > 0 && p < 100).length >= 2,
      `the progress bar moved: ${[...percents].join(', ')}`,
    );
    await page.getByRole('button', { name: 'Publish now' }).click();
    await page
      .getByTestId('episode-state')
      .filter({ hasText: /^published$/ })
      .waitFor();
    await checkPage(page, 'journey-06-episode-published');

    // ── Creates a plan that grants the show.
    await page.goto(`${edge}/app/plans`);
    await page.getByRole('link', { name: 'New plan' }).click();
    await page.getByRole('heading', { level: 1, name: 'New plan' }).waitFor();
    await page.getByRole('textbox', { name: /^Name/ }).fill('Night Owls Club');
    await page.getByRole('textbox', { name: /^Price/ }).fill('5');
    await page.getByRole('combobox', { name: 'Shows included' }).click();
    await page.getByRole('option', { name: 'Night Owls' }).click();
    await page.keyboard.press('Escape');
    await checkPage(page, 'journey-07-plan-new');
    await page.getByRole('button', { name: 'Create plan' }).click();
    await page.getByRole('row', { name: /Night Owls Club/ }).waitFor();
    const plans = await api.get<{ plans: { id: string; name: string; stripePriceId: string | null }[] }>(
      '/billing/v1/plans',
    );
    const plan = plans.plans.find((p) => p.name === 'Night Owls Club');
    assert.ok(plan?.stripePriceId, 'the plan has its Stripe price');

    // ── A listener on a phone: show page → Subscribe → the Checkout URL billing answers.
    const phone = await newContext(browser, 'phone', edge);
    const listener = await phone.newPage();
    await listener.goto(`${edge}/listen/${slug}/night-owls`);
    await listener.getByRole('heading', { level: 1, name: 'Night Owls' }).waitFor();
    await listener.getByTestId('plan-card').filter({ hasText: 'Night Owls Club' }).waitFor();
    await checkPage(listener, 'journey-08-show-page-phone');
    await listener.route('https://checkout.stripe.com/**', (route) =>
      route.fulfill({
        status: 200,
        contentType: 'text/html',
        body: '<!doctype html><title>Checkout</title>',
      }),
    );
    const checkout = listener.waitForResponse((r) => r.url().endsWith('/billing/v1/public/checkout'));
    await listener
      .getByTestId('plan-card')
      .filter({ hasText: 'Night Owls Club' })
      .getByRole('button')
      .click();
    assert.equal((await checkout).status(), 201);
    // The page navigates to the Checkout URL after that answer: wait for it, or the listener
    // page's next goto below races the late navigation and is interrupted by it.
    await listener.waitForURL(/^https:\/\/checkout\.stripe\.com\//);

    // Stripe's completion, as signed webhooks on the creator's connected account: the Checkout
    // Session (the buyer's e-mail), then the subscription on the plan's price.
    const sessionId = `cs_test_${randomBytes(12).toString('hex')}`;
    const customerId = `cus_${randomBytes(8).toString('hex')}`;
    const subscriptionId = `sub_${randomBytes(8).toString('hex')}`;
    await stripeWebhook(
      'checkout.session.completed',
      {
        id: sessionId,
        object: 'checkout.session',
        mode: 'subscription',
        status: 'complete',
        customer: customerId,
        subscription: subscriptionId,
        customer_details: { email: listenerEmail },
        metadata: { planId: plan.id },
      },
      connect.accountId,
    );
    const subscriber = await waitFor(
      async () => {
        const found = await api.get<{ items: { id: string; email: string }[] }>(
          `/billing/v1/subscribers?q=${encodeURIComponent(listenerEmail)}`,
        );
        return found.items.find((s) => s.email === listenerEmail);
      },
      { timeoutMs: 10_000, intervalMs: 100, description: 'the buyer became a subscriber' },
    );
    const now = Math.floor(Date.now() / 1000);
    const subscription = (status: string, canceledAt: number | null) =>
      subscriptionObject({
        id: subscriptionId,
        customerId,
        status,
        priceId: plan.stripePriceId,
        currentPeriodStart: now,
        currentPeriodEnd: now + 30 * 86_400,
        cancelAtPeriodEnd: false,
        canceledAt,
        metadata: { subscriberId: subscriber.id },
      });
    await stripeWebhook('customer.subscription.created', subscription('active', null), connect.accountId);

    // ── Welcome page: stripe-mock cannot tell the session apart (it answers one fixed `open`
    // session), so the page offers the e-mailed sign-in link, as it does while Stripe is slow.
    await listener.goto(`${edge}/listen/${slug}/welcome?session_id=${sessionId}`);
    await listener.getByLabel('Your e-mail address').waitFor({ timeout: 30_000 });
    await listener.getByLabel('Your e-mail address').fill(listenerEmail);
    await listener.getByRole('button', { name: 'E-mail me a sign-in link' }).click();
    await listener.goto(await mailedLink(listenerEmail, /https?:\/\/\S+\/portal\/magic\?token=[\w-]+/));
    await Promise.all([listener.waitForURL(/\/portal\/account/), listener.click('#confirm')]);
    await listener.goto(`${edge}/listen/${slug}/welcome?session_id=${sessionId}`);
    const feedInput = listener.getByTestId('feed-url').first();
    await feedInput.waitFor({ timeout: 20_000 });
    await checkPage(listener, 'journey-09-welcome-phone');

    // ── The podcast app adds the feed: it parses, and its enclosure answers a Range request.
    const feedUrl = await feedInput.inputValue();
    const feed = await fetch(feedUrl);
    assert.equal(feed.status, 200);
    const parsed = await new Parser().parseString(await feed.text());
    const item = parsed.items.find((i) => i.title === 'Episode 1: After midnight');
    assert.ok(item?.enclosure?.url, 'the uploaded episode is in the private feed');
    const enclosure = item.enclosure.url;
    const ranged = await fetch(enclosure, { headers: { range: 'bytes=0-1023' } });
    assert.equal(ranged.status, 206);
    assert.equal(ranged.headers.get('content-range'), `bytes 0-1023/${item.enclosure.length}`);
    assert.equal((await ranged.arrayBuffer()).byteLength, 1024);

    // ── The creator sees the subscriber.
    await page.goto(`${edge}/app/subscribers`);
    await page.getByRole('link', { name: listenerEmail }).waitFor();
    await checkPage(page, 'journey-10-subscribers');

    // ── The listener cancels on Stripe's portal (stripe-mock's URL; the cancellation arrives as
    // Stripe's signed webhook) → the media request is denied.
    await listener.goto(`${edge}/listen/${slug}/account`);
    await listener.getByRole('button', { name: 'Manage or cancel' }).waitFor();
    await checkPage(listener, 'journey-11-account-phone');
    await listener.route(
      (url) => url.host !== new URL(edge).host,
      (route) =>
        route.fulfill({
          status: 200,
          contentType: 'text/html',
          body: '<!doctype html><title>Portal</title>',
        }),
    );
    const portal = listener.waitForResponse((r) => r.url().endsWith('/billing-portal'));
    await listener.getByRole('button', { name: 'Manage or cancel' }).click();
    assert.equal((await portal).status(), 200);
    await stripeWebhook(
      'customer.subscription.deleted',
      subscription('canceled', Math.floor(Date.now() / 1000)),
      connect.accountId,
    );
    const deniedAt = Date.now();
    await waitFor(async () => ([401, 403, 410].includes(await rangeStatus(enclosure)) ? true : undefined), {
      timeoutMs: 5_000,
      intervalMs: 50,
      description: 'the cancelled listener is denied media',
    });
    console.log(`# cancellation webhook → media denied: ${Date.now() - deniedAt} ms`);

    await phone.close();
    await creator.close();
  });
});
