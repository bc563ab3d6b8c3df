import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { computeSubscriberAccess } from '@gatehouse/access-snapshot';
import { createPrismaClient } from '@gatehouse/db';
import { stackEnv } from '@gatehouse/testkit';
import { createStripeGateway, type StripeGateway } from '../src/adapters/stripe-gateway.ts';
import { createSubscriptionSyncStore } from '../src/adapters/subscription-sync.repository.ts';
import { reconcileSubscriptions } from '../src/domain/subscription-reconciler.ts';
import { billingApp, createSubscriber, createTenant, sdk } from './billing-fixtures.ts';

// The creators' billing API and reconciliation against stripe-mock with the real SDK.
const prisma = createPrismaClient(stackEnv().databaseUrl, { poolSize: 4 });
after(() => prisma.$disconnect());
const real = createStripeGateway(sdk());

/** The real gateway, recording what billing asked for (stripe-mock does not echo every field). */
function spied() {
  const calls: { method: string; input: unknown; account: string | null }[] = [];
  const gateway: StripeGateway = {
    ...real,
    createProductAndPrice: (input, account) => {
      calls.push({ method: 'createProductAndPrice', input, account });
      return real.createProductAndPrice(input, account);
    },
    createCheckoutSession: (input, account) => {
      calls.push({ method: 'createCheckoutSession', input, account });
      return real.createCheckoutSession(input, account);
    },
    createPortalSession: (input, account) => {
      calls.push({ method: 'createPortalSession', input, account });
      return real.createPortalSession(input, account);
    },
  };
  return { gateway, calls };
}

describe('plans, checkout and portal sessions', () => {
  test('a plan gets its Stripe product and price (on the connected account) and a grants event', async (t) => {
    const account = `acct_${randomUUID().slice(0, 12)}`;
    const { tenant, apiKey } = await createTenant(prisma, { stripeAccountId: account });
    const show = await prisma.show.create({
      data: { tenantId: tenant.id, slug: 's', title: 'Show', podcastGuid: randomUUID() },
    });
    const { gateway, calls } = spied();
    const app = billingApp(prisma, gateway);
    t.after(() => app.close());
    const auth = { authorization: `Bearer ${apiKey}` };
    const created = await app.inject({
      method: 'POST',
      url: '/billing/v1/plans',
      headers: auth,
      payload: { name: 'Supporter', amount: 500, currency: 'USD', interval: 'month', showIds: [show.id] },
    });
    assert.equal(created.statusCode, 201, created.body);
    const plan = created.json();
    assert.match(plan.stripeProductId, /^prod_/);
    assert.match(plan.stripePriceId, /^price_/);
    assert.equal(plan.currency, 'usd');
    assert.deepEqual(plan.showIds, [show.id]);
    assert.equal(calls[0]?.account, account, 'created on the connected account');
    const event = await prisma.outboxMessage.findUniqueOrThrow({ where: { msgId: `plan:${plan.id}:1` } });
    assert.equal(event.subject, 'gh.access.plan.changed.v1');
    assert.deepEqual((event.payload as { grants: { showIds: string[] } }).grants.showIds, [show.id]);

    const listed = await app.inject({ method: 'GET', url: '/billing/v1/plans', headers: auth });
    assert.deepEqual(
      listed.json().plans.map((p: { id: string }) => p.id),
      [plan.id],
    );

    const bad = await app.inject({
      method: 'POST',
      url: '/billing/v1/plans',
      headers: auth,
      payload: { name: 'x', amount: 500, currency: 'dollars', interval: 'month' },
    });
    assert.equal(bad.statusCode, 400);
    // Found by schemathesis: Postgres text cannot hold U+0000, so this was a 500 at insert.
    for (const field of ['name', 'description'] as const) {
      const nul = await app.inject({
        method: 'POST',
        url: '/billing/v1/plans',
        headers: auth,
        payload: { name: 'x', amount: 500, currency: 'usd', interval: 'month', [field]: 'a\u0000b' },
      });
      assert.equal(nul.statusCode, 400, field);
    }
    const foreign = await createTenant(prisma);
    const foreignShow = await prisma.show.create({
      data: { tenantId: foreign.tenant.id, slug: 's', title: 'Other', podcastGuid: randomUUID() },
    });
    const stolen = await app.inject({
      method: 'POST',
      url: '/billing/v1/plans',
      headers: auth,
      payload: { name: 'x', amount: 500, currency: 'usd', interval: 'month', showIds: [foreignShow.id] },
    });
    assert.equal(stolen.statusCode, 422);
    assert.equal((await app.inject({ method: 'GET', url: '/billing/v1/plans' })).statusCode, 401);
  });

  test('checkout returns to the tenant welcome page; portal needs a Stripe customer', async (t) => {
    const { tenant, apiKey } = await createTenant(prisma);
    const { gateway, calls } = spied();
    const app = billingApp(prisma, gateway);
    t.after(() => app.close());
    const auth = { authorization: `Bearer ${apiKey}` };
    const plan = (
      await app.inject({
        method: 'POST',
        url: '/billing/v1/plans',
        headers: auth,
        payload: { name: 'Gold', amount: 900, currency: 'eur', interval: 'year' },
      })
    ).json();
    const checkout = await app.inject({
      method: 'POST',
      url: '/billing/v1/checkout-sessions',
      headers: auth,
      payload: { planId: plan.id, email: 'fan@example.test' },
    });
    assert.equal(checkout.statusCode, 201, checkout.body);
    assert.match(checkout.json().id, /^cs_/);
    const input = calls.find((call) => call.method === 'createCheckoutSession')?.input as {
      successUrl: string;
      metadata: Record<string, string>;
      priceId: string;
    };
    // Issue 10: the success URL names the tenant (it used to drop it), the cancel URL is a page
    // that exists (it used to be /portal, a 404): the tenant has no show, so its listener root.
    assert.equal(
      input.successUrl,
      `https://edge.example.test/listen/${tenant.slug}/welcome?session_id={CHECKOUT_SESSION_ID}`,
    );
    assert.equal(
      (input as unknown as { cancelUrl: string }).cancelUrl,
      `https://edge.example.test/listen/${tenant.slug}`,
    );
    assert.deepEqual(input.metadata, { tenantId: tenant.id, planId: plan.id });
    assert.equal(input.priceId, plan.stripePriceId);
    const unknownPlan = await app.inject({
      method: 'POST',
      url: '/billing/v1/checkout-sessions',
      headers: auth,
      payload: { planId: randomUUID() },
    });
    assert.equal(unknownPlan.statusCode, 404);

    const noCustomer = await prisma.subscriber.create({
      data: { tenantId: tenant.id, email: `${randomUUID()}@example.test` },
    });
    const refused = await app.inject({
      method: 'POST',
      url: '/billing/v1/portal-sessions',
      headers: auth,
      payload: { subscriberId: noCustomer.id },
    });
    assert.equal(refused.statusCode, 409);
    const customer = await createSubscriber(prisma, tenant.id);
    const portal = await app.inject({
      method: 'POST',
      url: '/billing/v1/portal-sessions',
      headers: auth,
      payload: { subscriberId: customer.id },
    });
    assert.equal(portal.statusCode, 201, portal.body);
    assert.match(portal.json().url, /^https:\/\//);
  });
});

describe('reconciliation', () => {
  // stripe-mock is stateless: its subscription list always returns one fixture subscription
  // (status active). The "missed webhook" is therefore staged on our side: the DB says canceled
  // for that subscription, Stripe says active → reconciliation must repair it to active through
  // the same apply path (version bump, snapshot, outbox rows).
  async function stageDrift() {
    const [fixture] = await (async () => {
      const all = [];
      for await (const state of real.listSubscriptions(null)) all.push(state);
      return all;
    })();
    assert.ok(fixture?.priceId, 'stripe-mock lists a fixture subscription');
    await prisma.subscription.deleteMany({ where: { stripeSubscriptionId: fixture.id } });
    await prisma.plan.updateMany({
      where: { stripePriceId: fixture.priceId },
      data: { stripePriceId: null },
    });
    const { tenant } = await createTenant(prisma);
    const plan = await prisma.plan.create({
      data: {
        tenantId: tenant.id,
        name: 'Fixture',
        amount: 500,
        currency: 'usd',
        interval: 'month',
        stripePriceId: fixture.priceId,
      },
    });
    const subscriber = await createSubscriber(prisma, tenant.id, fixture.customerId);
    await prisma.subscription.create({
      data: {
        tenantId: tenant.id,
        subscriberId: subscriber.id,
        planId: plan.id,
        stripeSubscriptionId: fixture.id,
        status: 'canceled',
        stripeEventCreated: new Date(Date.now() - 86_400_000),
      },
    });
    return { fixture, plan, subscriber };
  }

  test('a missed webhook is repaired from the Stripe listing through the apply path', async () => {
    const { fixture, plan, subscriber } = await stageDrift();
    const report = await reconcileSubscriptions(createSubscriptionSyncStore(prisma), real, {
      accounts: [null],
    });
    assert.equal(report.repaired, 1);
    assert.equal(report.failed, 0);
    const row = await prisma.subscription.findUniqueOrThrow({ where: { stripeSubscriptionId: fixture.id } });
    assert.equal(row.status, 'active');
    const access = await computeSubscriberAccess(prisma, subscriber.id);
    // The fixture is cancel_at_period_end with a period end in 2000: it grants until then.
    assert.deepEqual(access?.plans, [
      { planId: plan.id, until: fixture.cancelAtPeriodEnd ? fixture.currentPeriodEnd! * 1000 : null },
    ]);
    const snapshot = await prisma.outboxMessage.findUniqueOrThrow({
      where: { msgId: `access:${subscriber.id}:${access?.version}` },
    });
    assert.equal(snapshot.subject, 'gh.access.subscriber.changed.v1');
    const again = await reconcileSubscriptions(createSubscriptionSyncStore(prisma), real, {
      accounts: [null],
    });
    assert.equal(again.repaired, 0, 'nothing left to repair');
  });

  test('`node services/billing/src/reconcile.ts` runs one reconciliation', async () => {
    const { fixture } = await stageDrift();
    const root = resolve(import.meta.dirname, '../../..');
    const { stdout } = await promisify(execFile)(process.execPath, ['services/billing/src/reconcile.ts'], {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: 'silent' },
    });
    const report = JSON.parse(stdout.trim().split('\n').at(-1)!);
    assert.ok(report.repaired >= 1, stdout);
    const row = await prisma.subscription.findUniqueOrThrow({ where: { stripeSubscriptionId: fixture.id } });
    assert.equal(row.status, 'active');
  });
});
