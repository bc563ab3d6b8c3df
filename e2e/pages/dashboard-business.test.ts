import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createPrismaClient, type PrismaClient } from '@gatehouse/db';
import { stackEnv, stripeEvent, subscriptionObject } from '@gatehouse/testkit';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import Stripe from 'stripe';
import { checkPage, launchBrowser, newContext } from '../support/browser.ts';
import { E2E_WEBHOOK_SECRET, type Platform, startPlatform } from '../support/platform.ts';
import { type Creator, type MailCapture, signedInCreator, startMailCapture } from './support/creators.ts';
import { dashboardApi, showWithEpisode } from './support/dashboard-api.ts';
import { EDGE_URL, PAGES_BASE_URL, uniqueName } from './support/pages-env.ts';

/**
 * The creator dashboard's business pages in Chromium, through the nginx edge, against the running
 * platform (web, media, billing, analytics; Postgres, stripe-mock): plans (inline validation, create,
 * archive), subscribers (a buyer made by a Stripe-signed checkout webhook; search, drawer, feed
 * reset), analytics (counted downloads and a sharing alert in the analytics tables → charts, tables,
 * CSV, dismiss), custom domains (add, the ownership proof, a failed verification says what it
 * found, remove) and payments (Stripe Connect onboarding link from stripe-mock, the return pages).
 * Every page is checked with axe-core (WCAG 2.2 AA) and photographed, on a laptop and on a phone.
 */

const env = stackEnv();
let browser: Browser;
let mail: MailCapture;
let prisma: PrismaClient;
let platform: Platform;

before(async () => {
  // The services behind the edge: started by the e2e harness, or a running local platform's.
  platform = await startPlatform(['auth', 'media', 'feeds', 'billing', 'analytics', 'web'], {
    timeoutMs: 90_000,
  });
  browser = await launchBrowser();
  mail = await startMailCapture();
  prisma = createPrismaClient(env.databaseUrl);
});
after(async () => {
  await browser?.close();
  await mail?.close();
  await prisma?.$disconnect();
  await platform?.stop();
});

/** A fresh signed-in creator in a fresh browser context at the viewport. */
async function creatorPage(viewport: 'desktop' | 'phone' = 'desktop') {
  const context = await newContext(browser, viewport, PAGES_BASE_URL);
  const page = await context.newPage();
  const creator = await signedInCreator(page, mail);
  return { context, page, creator };
}

/** The other viewport, signed in as the same creator (the session cookie copied over). */
async function samePersonOnPhone(context: BrowserContext): Promise<{ phone: BrowserContext; page: Page }> {
  const phone = await newContext(browser, 'phone', PAGES_BASE_URL);
  await phone.addCookies(await context.cookies());
  return { phone, page: await phone.newPage() };
}

/** Posts a Stripe-signed event to billing through the edge, as Stripe does. */
async function stripeWebhook(type: string, object: unknown): Promise<void> {
  const stripe = new Stripe(env.stripe.secretKey);
  const payload = JSON.stringify(stripeEvent(type, object));
  const signature = stripe.webhooks.generateTestHeaderString({ payload, secret: E2E_WEBHOOK_SECRET });
  const response = await fetch(`${EDGE_URL}/billing/webhooks/stripe`, {
    method: 'POST',
    headers: { 'stripe-signature': signature, 'content-type': 'application/json' },
    body: payload,
  });
  assert.equal(response.status, 200, `webhook ${type}: ${await response.text()}`);
}

interface PlanBody {
  id: string;
  name: string;
  stripePriceId: string | null;
}

/**
 * A listener who bought `plan` through Checkout: checkout.session.completed creates the subscriber
 * from the buyer's e-mail; customer.subscription.created (our plan's price, the subscriber in its
 * metadata) makes them active on the plan. stripe-mock answers every subscription lookup with one
 * fixed object (a fixed price that is none of this tenant's), so the checkout event alone cannot put
 * the buyer on the plan, and the subscription event uses its own id.
 */
async function buyer(creator: Creator, plan: PlanBody, email: string) {
  const customerId = `cus_${randomBytes(8).toString('hex')}`;
  await stripeWebhook('checkout.session.completed', {
    id: `cs_test_${randomBytes(10).toString('hex')}`,
    object: 'checkout.session',
    mode: 'subscription',
    customer: customerId,
    subscription: `sub_${randomBytes(8).toString('hex')}`,
    customer_details: { email },
    metadata: { tenantId: creator.tenant.id, planId: plan.id },
  });
  const subscriber = await prisma.subscriber.findFirst({
    where: { tenantId: creator.tenant.id, email: email.toLowerCase() },
  });
  assert.ok(subscriber, `the checkout webhook made no subscriber for ${email}`);
  const now = Math.floor(Date.now() / 1000);
  await stripeWebhook(
    'customer.subscription.created',
    subscriptionObject({
      id: `sub_${randomBytes(8).toString('hex')}`,
      customerId,
      status: 'active',
      priceId: plan.stripePriceId,
      currentPeriodStart: now,
      currentPeriodEnd: now + 30 * 86_400,
      cancelAtPeriodEnd: false,
      canceledAt: null,
      metadata: { subscriberId: subscriber.id, tenantId: creator.tenant.id, planId: plan.id },
    }),
  );
  return subscriber;
}

describe('dashboard business pages', () => {
  test('plans: a bad price is refused inline, a plan is created with its grants, then archived', async () => {
    const { context, page } = await creatorPage();
    try {
      const { show } = await showWithEpisode(page, uniqueName('plans'));
      await page.goto(`${PAGES_BASE_URL}/app/plans`);
      await page.getByText('No plans yet').waitFor();
      await checkPage(page, 'dashboard-plans-empty');

      await page.getByRole('link', { name: 'New plan' }).click();
      await page.getByRole('textbox', { name: /^Name/ }).fill('Supporters');
      await page.getByRole('textbox', { name: /^Price/ }).fill('0.2');
      await page.getByRole('button', { name: 'Create plan' }).click();
      await page.getByText(/The price must be at least \$0\.50/).waitFor();
      const priceInput = page.getByRole('textbox', { name: /^Price/ });
      assert.equal(await priceInput.getAttribute('aria-invalid'), 'true');
      await checkPage(page, 'dashboard-plan-new-invalid-price');
      const dashboard = await dashboardApi(page);
      const none = await dashboard.get<{ plans: PlanBody[] }>('/billing/v1/plans');
      assert.equal(none.plans.length, 0, 'nothing was sent for an invalid form');

      await priceInput.fill('4.99');
      await page.getByLabel('Free trial (days)').fill('14');
      await page.getByLabel('Listeners may enter a promotion code at checkout').check();
      await page.getByRole('combobox', { name: 'Shows included' }).click();
      await page.getByRole('option', { name: `Show ${show.slug}` }).click();
      await page.keyboard.press('Escape');
      await page.getByRole('button', { name: 'Create plan' }).click();
      await page.waitForURL(`${PAGES_BASE_URL}/app/plans`);
      const row = page.getByRole('row', { name: /Supporters/ });
      await row.waitFor();
      const cells = await row.getByRole('cell').allTextContents();
      assert.deepEqual(cells.slice(0, 4), ['Supporters', '$4.99 / month', '14 days', 'On sale']);
      await checkPage(page, 'dashboard-plans');

      const { plans } = await dashboard.get<{ plans: (PlanBody & Record<string, unknown>)[] }>(
        '/billing/v1/plans',
      );
      assert.equal(plans.length, 1);
      assert.deepEqual(
        {
          amount: plans[0]!.amount,
          trialDays: plans[0]!.trialDays,
          promo: plans[0]!.allowPromotionCodes,
          shows: plans[0]!.showIds,
        },
        { amount: 499, trialDays: 14, promo: true, shows: [show.id] },
      );

      await row.getByRole('button', { name: 'Archive' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByText('New listeners can no longer subscribe').waitFor();
      await checkPage(page, 'dashboard-plan-archive-confirm');
      await dialog.getByRole('button', { name: 'Archive' }).click();
      await row.getByText('Archived').waitFor();
      const archived = await dashboard.get<{ active: boolean }>(`/billing/v1/plans/${plans[0]!.id}`);
      assert.equal(archived.active, false);

      const { phone, page: phonePage } = await samePersonOnPhone(context);
      await phonePage.goto(`${PAGES_BASE_URL}/app/plans`);
      await phonePage.getByText('Supporters').waitFor();
      await checkPage(phonePage, 'dashboard-plans-phone');
      await phone.close();
    } finally {
      await context.close();
    }
  });

  test('subscribers: a buyer from a signed checkout webhook is found by search; its feed URL is reset', async () => {
    const { context, page, creator } = await creatorPage();
    try {
      const dashboard = await dashboardApi(page);
      const plan = await dashboard.post<PlanBody>('/billing/v1/plans', {
        name: 'Members',
        amount: 500,
        currency: 'usd',
        interval: 'month',
      });
      const email = `${uniqueName('listener')}@listeners.example`;
      const subscriber = await buyer(creator, plan, email);
      await buyer(creator, plan, `${uniqueName('other')}@listeners.example`);

      await page.goto(`${PAGES_BASE_URL}/app/subscribers`);
      await page.getByRole('link', { name: email }).waitFor();
      await page.getByLabel('Search by e-mail').fill(email.slice(0, 14));
      await page.waitForResponse(
        (r) => r.url().includes('/billing/v1/subscribers?') && r.url().includes('q='),
      );
      await page.waitForFunction("document.querySelectorAll('tbody tr').length === 1");
      const found = await page.locator('tbody tr').getByRole('cell').allTextContents();
      assert.deepEqual(found.slice(0, 3), [email, 'active', 'Members']);
      await checkPage(page, 'dashboard-subscribers-search');

      await page.getByRole('link', { name: email }).click();
      await page.waitForURL(new RegExp(`/app/subscribers/${subscriber.id}`));
      const drawer = page.getByRole('dialog', { name: email });
      await drawer.getByText('Private feed').waitFor();
      await checkPage(page, 'dashboard-subscriber-drawer');

      await drawer.getByRole('button', { name: 'Reset feed URL' }).click();
      const confirm = page.getByRole('dialog', { name: "Reset this subscriber's feed URL?" });
      await confirm.getByText('stop working at once').waitFor();
      await checkPage(page, 'dashboard-subscriber-reset-confirm');
      const before = await prisma.accessCredential.findUnique({ where: { subscriberId: subscriber.id } });
      await confirm.getByRole('button', { name: 'Reset feed URL' }).click();
      await page.getByText(`Feed URL of ${email} reset`).waitFor();
      const afterReset = await prisma.accessCredential.findUnique({ where: { subscriberId: subscriber.id } });
      assert.equal(afterReset?.generation, (before?.generation ?? 0) + 1, 'the credential was rotated once');
      const detail = await dashboard.get<{ feedResetAt: string | null }>(
        `/billing/v1/subscribers/${subscriber.id}`,
      );
      assert.ok(detail.feedResetAt, 'the reset is recorded');

      const { phone, page: phonePage } = await samePersonOnPhone(context);
      await phonePage.goto(`${PAGES_BASE_URL}/app/subscribers`);
      await phonePage.getByRole('link', { name: email }).waitFor();
      await checkPage(phonePage, 'dashboard-subscribers-phone');
      await phone.close();
    } finally {
      await context.close();
    }
  });

  test('analytics: counted downloads draw the charts and tables, the CSV matches; a sharing alert says why and is dismissed', async () => {
    const { context, page, creator } = await creatorPage();
    try {
      const { show, episode } = await showWithEpisode(page, uniqueName('stats'));
      const dashboard = await dashboardApi(page);
      const second = await dashboard.post<{ id: string }>(`/api/v1/shows/${show.id}/episodes`, {
        title: 'Episode two',
      });
      const plan = await dashboard.post<PlanBody>('/billing/v1/plans', {
        name: 'Stats tier',
        amount: 700,
        currency: 'usd',
        interval: 'month',
      });
      const sharer = await buyer(creator, plan, `${uniqueName('sharer')}@listeners.example`);

      // Counted downloads as the analytics consumer writes them (analytics_listens, counted_at set):
      // episode one 3 listeners on day 1 and 2 on day 3 (Apple Podcasts ×3, Overcast ×2), episode two 1.
      const day = (n: number) => new Date(Date.UTC(2026, 10, n));
      const listens = [
        [episode.id, 1, 'Apple Podcasts'],
        [episode.id, 1, 'Apple Podcasts'],
        [episode.id, 1, 'Overcast'],
        [episode.id, 3, 'Apple Podcasts'],
        [episode.id, 3, 'Overcast'],
        [second.id, 3, 'Pocket Casts'],
      ] as const;
      await prisma.analyticsListen.createMany({
        data: listens.map(([episodeId, n, app]) => ({
          tenantId: creator.tenant.id,
          episodeId,
          day: day(n),
          listenerKey: createHash('sha256').update(randomUUID()).digest('hex'),
          app,
          tier: plan.id,
          thresholdBytes: 960_000n,
          firstAt: day(n),
          countedAt: day(n),
        })),
      });
      // One sharing alert as the detector stores it (services/analytics/src/adapters/sharing-rows.ts).
      const seen = (network: string) => ({
        network,
        firstSeen: '2026-11-02T08:00:00.000Z',
        lastSeen: '2026-11-02T20:00:00.000Z',
        requests: 2,
      });
      const networks = Array.from({ length: 9 }, (_, i) => seen(`203.0.${100 + i}.0/24`));
      const apps = ['Apple Podcasts', 'Overcast', 'Pocket Casts', 'Castro', 'Podcast Addict'].map((app) => ({
        app,
        firstSeen: '2026-11-02T08:00:00.000Z',
        lastSeen: '2026-11-02T20:00:00.000Z',
        requests: 3,
      }));
      const alertId = randomUUID();
      await prisma.sharingAlert.create({
        data: {
          id: alertId,
          tenantId: creator.tenant.id,
          subscriberId: sharer.id,
          reasons: ['networks_and_apps'],
          networks: networks.length,
          apps: apps.length,
          episodeDownloads: 4,
          evidence: {
            networks,
            apps,
            episodes: [{ episodeId: episode.id, downloads: 4 }],
            settings: {
              windowHours: 24,
              minNetworks: 8,
              minApps: 5,
              maxEpisodeDownloads: 12,
              growthPercent: 100,
              policy: 'alert',
            },
          },
          triggerRecordId: `rec-${randomUUID()}`,
          firstSeen: new Date('2026-11-02T08:00:00Z'),
          lastSeen: new Date('2026-11-02T20:00:00Z'),
        },
      });

      await page.goto(`${PAGES_BASE_URL}/app/analytics?from=2026-11-01&to=2026-11-05`);
      const overTime = page.getByRole('region', { name: 'Over time' });
      await overTime.getByTestId('total-downloads').filter({ hasText: '6' }).waitFor();
      await overTime.locator('.recharts-area').first().waitFor();
      const perEpisode = page.getByRole('region', { name: 'Per episode' });
      await perEpisode.locator('.recharts-bar-rectangle').first().waitFor();
      const episodeRow = perEpisode.getByRole('row', { name: /Episode one/ });
      await episodeRow.waitFor();
      assert.deepEqual(await episodeRow.getByRole('cell').allTextContents(), ['Episode one', '5', '5']);
      const perApp = page.getByRole('region', { name: 'Per app' });
      await perApp.locator('.recharts-pie').first().waitFor();
      const appCells = perApp.getByRole('row', { name: /Apple Podcasts/ }).getByRole('cell');
      assert.deepEqual(await appCells.allTextContents(), ['Apple Podcasts', '3', '3']);
      await checkPage(page, 'dashboard-analytics');

      const csvHref = await perApp.getByRole('link', { name: /Export CSV/ }).getAttribute('href');
      assert.ok(csvHref);
      const csv = await page.context().request.get(`${PAGES_BASE_URL}${csvHref}`);
      assert.equal(csv.status(), 200);
      assert.equal(
        await csv.text(),
        '"app","downloads","listeners"\r\n"Apple Podcasts","3","3"\r\n"Overcast","2","2"\r\n"Pocket Casts","1","1"\r\n',
      );

      const { phone, page: phonePage } = await samePersonOnPhone(context);
      await phonePage.goto(`${PAGES_BASE_URL}/app/analytics?from=2026-11-01&to=2026-11-05`);
      await phonePage.locator('.recharts-pie').first().waitFor();
      await checkPage(phonePage, 'dashboard-analytics-phone');

      await page.getByRole('link', { name: 'Sharing alerts' }).click();
      const alert = page.getByRole('article', { name: /Possible sharing by subscriber/ });
      await alert.getByText('Used from many networks with many apps').waitFor();
      await alert.getByRole('cell', { name: '203.0.108.0/24' }).waitFor();
      await alert.getByRole('cell', { name: 'Podcast Addict' }).waitFor();
      await page.getByLabel('Networks', { exact: true }).waitFor();
      await checkPage(page, 'dashboard-sharing-alerts');
      await phonePage.goto(`${PAGES_BASE_URL}/app/analytics/alerts`);
      await phonePage.getByText('Used from many networks with many apps').waitFor();
      await checkPage(phonePage, 'dashboard-sharing-alerts-phone');
      await phone.close();

      await alert.getByRole('button', { name: 'Dismiss' }).click();
      await page.getByText('No open alerts').waitFor();
      const stored = await prisma.sharingAlert.findUniqueOrThrow({ where: { id: alertId } });
      assert.equal(stored.status, 'dismissed');
    } finally {
      await context.close();
    }
  });

  test('domains: a hostname is added with its proof, a failed verification says what it found, removal frees it', async () => {
    const { context, page } = await creatorPage();
    try {
      await page.goto(`${PAGES_BASE_URL}/app/domains`);
      await page.getByText('No custom domains').waitFor();
      await page.getByLabel('Hostname').fill('https://not a host/');
      await page.getByRole('button', { name: 'Add domain' }).click();
      await page.getByText('Enter a hostname such as podcast.example.com').waitFor();

      // .invalid never resolves (RFC 2606): the proof cannot be found.
      const hostname = `${uniqueName('feeds')}.gatehouse-e2e.invalid`;
      await page.getByLabel('Hostname').fill(hostname);
      await page.getByRole('button', { name: 'Add domain' }).click();
      const card = page.getByRole('article', { name: hostname });
      await card.getByText('pending').waitFor();
      await card.getByText(`_gatehouse.${hostname}`).waitFor();
      const dashboard = await dashboardApi(page);
      const { items } = await dashboard.get<{ items: { id: string; verificationToken: string }[] }>(
        '/api/v1/domains',
      );
      assert.equal(items.length, 1);
      await card.getByText(items[0]!.verificationToken, { exact: true }).waitFor();
      await card
        .getByText(`http://${hostname}/.well-known/gatehouse-domain/${items[0]!.verificationToken}`)
        .waitFor();
      await card.getByRole('button', { name: 'Copy TXT record value' }).waitFor();

      await card.getByRole('button', { name: 'Verify' }).click();
      const failure = card.getByRole('alert');
      await failure.getByText('Not verified yet').waitFor();
      // Media's answer (422): what it looked up and what it found there.
      await failure.getByText('no ownership proof found for this domain yet').waitFor();
      const lookups = await failure.getByRole('listitem').allTextContents();
      assert.equal(lookups.length, 2, lookups.join(' | '));
      assert.match(
        lookups[0]!,
        new RegExp(`^DNS TXT record _gatehouse\\.${hostname.replaceAll('.', '\\.')}: found nothing`),
      );
      assert.match(
        lookups[1]!,
        /^Web address http:\/\/.+\/\.well-known\/gatehouse-domain\/.+: found nothing/,
      );
      await card.getByText('pending').waitFor();
      await checkPage(page, 'dashboard-domains-verify-failed');

      const { phone, page: phonePage } = await samePersonOnPhone(context);
      await phonePage.goto(`${PAGES_BASE_URL}/app/domains`);
      await phonePage.getByText(hostname).first().waitFor();
      await checkPage(phonePage, 'dashboard-domains-phone');
      await phone.close();

      await card.getByRole('button', { name: 'Remove' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
      await page.getByText('No custom domains').waitFor();
      const left = await prisma.customDomain.findMany({ where: { hostname } });
      assert.equal(left.length, 0, 'the hostname is free again');
    } finally {
      await context.close();
    }
  });

  test('payments: Connect with Stripe sends the creator to the account link; the return pages say what happens next', async () => {
    const { context, page, creator } = await creatorPage();
    try {
      await page.goto(`${PAGES_BASE_URL}/app/settings/payments`);
      await page.getByText('not connected').waitFor();
      await checkPage(page, 'dashboard-payments');

      // stripe-mock answers with an Account Link on a Stripe host: the browser is stopped there (no
      // network to Stripe: the stop page is the test's) and the test checks it was sent there.
      const ours = new URL(PAGES_BASE_URL).host;
      const away = (url: URL) => url.host !== ours;
      await page.route(away, (route) =>
        route.fulfill({ contentType: 'text/html', body: '<title>Stripe</title>' }),
      );
      const link = page.waitForResponse((r) => r.url().endsWith('/billing/v1/connect/onboarding-link'));
      const leaving = page.waitForRequest((request) => away(new URL(request.url())));
      await page.getByRole('button', { name: 'Connect with Stripe' }).click();
      assert.equal((await link).status(), 201);
      assert.match((await leaving).url(), /^https:\/\/[^/]*stripe\.(com|me)\//, 'sent to the Account Link');
      await page.waitForURL((url) => away(url));
      const tenant = await prisma.tenant.findUniqueOrThrow({ where: { id: creator.tenant.id } });
      assert.ok(tenant.stripeAccountId, 'the Connect account was created and stored');

      await page.goto(`${PAGES_BASE_URL}/app/settings/payments?onboarding=return`);
      await page.getByText('Back from Stripe').waitFor();
      await page.getByText(tenant.stripeAccountId).waitFor();
      await page.getByRole('button', { name: 'Continue onboarding' }).waitFor();
      await checkPage(page, 'dashboard-payments-return');

      await page.goto(`${PAGES_BASE_URL}/app/settings/payments?onboarding=refresh`);
      await page.getByText('That Stripe link expired').waitFor();
      await checkPage(page, 'dashboard-payments-refresh');

      const { phone, page: phonePage } = await samePersonOnPhone(context);
      await phonePage.goto(`${PAGES_BASE_URL}/app/settings/payments`);
      await phonePage.getByRole('button', { name: 'Continue onboarding' }).waitFor();
      await checkPage(phonePage, 'dashboard-payments-phone');
      await phone.close();
    } finally {
      await context.close();
    }
  });
});
