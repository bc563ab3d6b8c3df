import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import QRCode from 'qrcode';
import Parser from 'rss-parser';
import { checkPage, launchBrowser, newContext, type ViewportName } from '../support/browser.ts';
import { type Demo, sendSignedWebhook, startListenerRig } from './listener-rig.ts';

/**
 * The listener's walk through the edge in Chromium, at a laptop and a phone viewport, every page
 * checked by axe-core (WCAG 2.2 AA) and photographed: the public show page (artwork, creator,
 * plans) → Subscribe (the public checkout answers stripe-mock's Checkout URL and the page goes
 * there; stripe-mock has no page, so that navigation is answered here) → a Stripe-signed
 * `checkout.session.completed` → the welcome page (the private feed, copy button, QR code) → the
 * feed parses as RSS and its enclosure answers a Range request with 206 → the account page's
 * player plays a short-lived /d/ link that answers 206.
 *
 * stripe-mock answers every Checkout Session lookup with one fixed `open` session, so the welcome
 * page's Checkout sign-in cannot succeed here: it says the subscription is still being set up and
 * offers the e-mail link, which this test follows (real SMTP) — the page then shows the feed.
 * Pages: PUBLIC URL of the pages, LISTENER_PAGES_URL (e.g. the Vite dev server on :55175), else the edge.
 */
let rig: Awaited<ReturnType<typeof startListenerRig>>;
let browser: Browser;
let demo: Demo;
let pages: string;
const LISTENER_EMAIL = 'listener@example.com';

before(async () => {
  rig = await startListenerRig();
  demo = rig.demo;
  pages = (process.env.LISTENER_PAGES_URL ?? rig.edge).replace(/\/+$/, '');
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await rig?.stop();
});

/** A page of a fresh context; the creator's external artwork host answers with a real PNG. */
async function openPage(viewport: ViewportName): Promise<Page> {
  const context = await newContext(browser, viewport, pages);
  const artwork = await QRCode.toBuffer('artwork', { width: 600 });
  await context.route('https://example.com/**', (route) =>
    route.fulfill({ status: 200, contentType: 'image/png', body: artwork }),
  );
  return context.newPage();
}

async function signInByMail(page: Page) {
  const known = new Set(rig.mailsTo(LISTENER_EMAIL));
  await page.getByLabel('Your e-mail address').fill(LISTENER_EMAIL);
  await page.getByRole('button', { name: 'E-mail me a sign-in link' }).click();
  await page.getByText('Check your e-mail').waitFor();
  const deadline = Date.now() + 10_000;
  let link: string | undefined;
  while (!link) {
    const fresh = rig.mailsTo(LISTENER_EMAIL).filter((text) => !known.has(text));
    link = fresh
      .map((text) => /https?:\/\/\S+\/portal\/magic\?token=[A-Za-z0-9_-]{43}/.exec(text)?.[0])
      .find(Boolean);
    if (!link && Date.now() > deadline) throw new Error('no sign-in mail arrived');
    if (!link) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await page.goto(link);
  await Promise.all([page.waitForURL(/\/portal\/account/), page.click('#confirm')]);
}

async function assertRange206(url: string) {
  const response = await fetch(url, { headers: { range: 'bytes=0-1' } });
  assert.equal(response.status, 206, url);
  assert.match(response.headers.get('content-range') ?? '', /^bytes 0-1\/\d+$/);
  assert.equal((await response.arrayBuffer()).byteLength, 2);
}

for (const viewport of ['desktop', 'phone'] as const) {
  describe(`listener pages (${viewport})`, () => {
    test('show page: artwork, creator and plans; Subscribe goes to the Checkout URL billing answers', async () => {
      const page = await openPage(viewport);
      await page.goto(`${pages}/listen/${demo.tenantSlug}/${demo.showSlug}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      assert.ok(await page.getByTestId('show-artwork').isVisible(), 'artwork shown');
      assert.ok(((await page.getByTestId('creator-name').textContent()) ?? '').length > 0, 'creator named');
      const plans = page.getByTestId('plan-card');
      assert.ok((await plans.count()) >= 1, 'at least one plan card');
      assert.match((await plans.first().textContent()) ?? '', /[$€£]\s?\d/, 'the plan shows its price');
      assert.ok((await page.getByTestId('episode').count()) >= 1, 'episodes listed');
      await checkPage(page, `listener-show-${viewport}`);

      // stripe-mock's Checkout URL has no page behind it: answer the navigation here.
      await page.route('https://checkout.stripe.com/**', (route) =>
        route.fulfill({
          status: 200,
          contentType: 'text/html',
          body: '<!doctype html><title>Checkout</title>',
        }),
      );
      // The real answer passes through; kept here because the page leaves right after reading it.
      let answered: { status: number; body: string } | undefined;
      await page.route('**/billing/v1/public/checkout', async (route) => {
        const response = await route.fetch();
        answered = { status: response.status(), body: await response.text() };
        await route.fulfill({ response });
      });
      const [request] = await Promise.all([
        page.waitForRequest((r) => r.url().endsWith('/billing/v1/public/checkout') && r.method() === 'POST'),
        plans.first().getByRole('button').click(),
      ]);
      const sent = request.postDataJSON() as { tenantSlug: string; planId: string; showSlug: string };
      assert.equal(sent.tenantSlug, demo.tenantSlug);
      assert.equal(sent.showSlug, demo.showSlug);
      assert.match(sent.planId, /^[0-9a-f-]{36}$/);
      await page.waitForURL(/^https:\/\/checkout\.stripe\.com\//);
      assert.equal(answered?.status, 201, answered?.body);
      const { url } = JSON.parse(answered!.body) as { url: string };
      assert.equal(page.url(), url, 'the page went to the Checkout URL billing answered');
      await page.context().close();
    });

    test('checkout completed → welcome page: feed URL, copy, QR; the feed parses and its enclosure answers 206', async () => {
      const sessionId = `cs_test_${randomBytes(12).toString('hex')}`;
      // Stripe's completion, signed as Stripe signs it; a Checkout without a subscription changes no access.
      const hook = await sendSignedWebhook(rig.edge, {
        id: `evt_${randomBytes(12).toString('hex')}`,
        object: 'event',
        type: 'checkout.session.completed',
        api_version: '2025-10-29.clover',
        created: Math.floor(Date.now() / 1000),
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
        data: {
          object: {
            id: sessionId,
            object: 'checkout.session',
            mode: 'subscription',
            status: 'complete',
            customer: null,
            subscription: null,
            customer_details: { email: LISTENER_EMAIL },
            metadata: {},
          },
        },
      });
      assert.ok(hook.ok, `billing answered the webhook ${hook.status}`);

      const page = await openPage(viewport);
      await page.goto(`${pages}/listen/${demo.tenantSlug}/welcome?session_id=${sessionId}`);
      await page.getByText('Your subscription is still being set up').waitFor({ timeout: 30_000 });
      await checkPage(page, `listener-welcome-pending-${viewport}`);
      await signInByMail(page);

      await page.goto(`${pages}/listen/${demo.tenantSlug}/welcome?session_id=${sessionId}`);
      const input = page.getByTestId('feed-url');
      await input.waitFor();
      const feedUrl = await input.inputValue();
      assert.match(feedUrl, /\/f\/[A-Za-z0-9_-]+\/[0-9a-f-]{36}\.xml$/);
      await page.getByTestId('copy-feed-url').click();
      await page.getByRole('button', { name: 'Copied' }).waitFor();
      assert.equal(await page.evaluate('navigator.clipboard.readText()'), feedUrl);
      const qr = page.getByTestId('feed-qr');
      await qr.waitFor();
      assert.match((await qr.getAttribute('src')) ?? '', /^data:image\/png;base64,/);
      assert.match((await qr.getAttribute('alt')) ?? '', /QR code/);
      assert.ok(
        (await page.getByRole('link', { name: /Add to Apple Podcasts/ }).getAttribute('href'))?.startsWith(
          'podcast://',
        ),
      );
      await checkPage(page, `listener-welcome-${viewport}`);

      const feed = await fetch(feedUrl);
      assert.equal(feed.status, 200);
      const parsed = await new Parser().parseString(await feed.text());
      const enclosure = parsed.items.find((item) => item.enclosure)?.enclosure;
      assert.ok(enclosure, 'the private feed has an enclosure');
      await assertRange206(enclosure.url);

      // The account page: the web player plays through a short-lived /d/ link.
      await page.goto(`${pages}/listen/${demo.tenantSlug}/account`);
      const play = page.getByTestId('play-episode').first();
      await play.waitFor();
      await checkPage(page, `listener-account-${viewport}`);
      await play.click();
      const audio = page.locator('audio');
      await audio.waitFor({ state: 'attached' });
      const src = (await audio.getAttribute('src')) ?? '';
      assert.match(src, /\/d\/[^/]+\/.+/);
      await assertRange206(new URL(src, pages).toString());

      // Manage or cancel: the Stripe customer portal session the portal creates (stripe-mock names a *.stripe.me host).
      await page.route(/^https:\/\/[a-z0-9._-]*stripe\.(com|me)\//, (route) =>
        route.fulfill({
          status: 200,
          contentType: 'text/html',
          body: '<!doctype html><title>Billing</title>',
        }),
      );
      await Promise.all([
        page.waitForURL(/^https:\/\/[a-z0-9._-]*stripe\.(com|me)\//),
        page.getByRole('button', { name: 'Manage or cancel' }).click(),
      ]);
      await page.context().close();
    });
  });
}
