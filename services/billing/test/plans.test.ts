import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { createPrismaClient } from '@gatehouse/db';
import { stackEnv } from '@gatehouse/testkit';
import {
  billingApp,
  createSubscriber,
  createTenant,
  newSubscriptionId,
  recordingGateway,
  signedHeaders,
  stripeEvent,
  subscriptionObject,
} from './billing-fixtures.ts';

// Editing and archiving plans against Postgres and stripe-mock (the SDK's HTTP client recorded).
const prisma = createPrismaClient(stackEnv().databaseUrl, { poolSize: 4 });
after(() => prisma.$disconnect());

async function setup() {
  const { tenant, apiKey } = await createTenant(prisma);
  const show = (slug: string) =>
    prisma.show.create({ data: { tenantId: tenant.id, slug, title: slug, podcastGuid: randomUUID() } });
  const [daily, weekly] = [await show('daily'), await show('weekly')];
  const stripe = recordingGateway();
  const app = billingApp(prisma, stripe.gateway);
  const auth = { authorization: `Bearer ${apiKey}` };
  const created = await app.inject({
    method: 'POST',
    url: '/billing/v1/plans',
    headers: auth,
    payload: {
      name: 'Gold',
      amount: 500,
      currency: 'usd',
      interval: 'month',
      trialDays: 3,
      showIds: [daily.id],
    },
  });
  assert.equal(created.statusCode, 201, created.body);
  const plan = created.json();
  const patch = (payload: object, id = plan.id) =>
    app.inject({ method: 'PATCH', url: `/billing/v1/plans/${id}`, headers: auth, payload });
  return { tenant, daily, weekly, stripe, app, auth, plan, patch };
}

describe('plan edits', () => {
  test('a price change makes a new Stripe price; subscribers on the old one still map to the plan', async (t) => {
    const s = await setup();
    t.after(() => s.app.close());
    assert.equal(s.plan.trialDays, 3);
    assert.equal(s.plan.allowPromotionCodes, false);
    assert.equal(s.plan.archivedAt, null);
    const oldPrice: string = s.plan.stripePriceId;

    const edited = await s.patch({ amount: 900, name: 'Gold+', allowPromotionCodes: true });
    assert.equal(edited.statusCode, 200, edited.body);
    const plan = edited.json();
    assert.equal(plan.amount, 900);
    assert.equal(plan.name, 'Gold+');
    assert.equal(plan.allowPromotionCodes, true);
    assert.equal(plan.trialDays, 3, 'unchanged');
    assert.notEqual(plan.stripePriceId, oldPrice);
    const [product] = s.stripe.to('POST', `/v1/products/${s.plan.stripeProductId}`);
    assert.equal(product?.params.get('name'), 'Gold+');
    const [price] = s.stripe
      .to('POST', '/v1/prices')
      .filter((request) => request.params.get('unit_amount') === '900');
    assert.equal(price?.params.get('product'), s.plan.stripeProductId);
    assert.equal(price?.params.get('recurring[interval]'), 'month');
    assert.equal(price?.params.get('metadata[planId]'), s.plan.id);
    const [retired] = s.stripe.to('POST', `/v1/prices/${oldPrice}`);
    assert.equal(retired?.params.get('active'), 'false', 'the old price is off sale');
    const previous = await prisma.planPrice.findUniqueOrThrow({ where: { stripePriceId: oldPrice } });
    assert.equal(previous.planId, s.plan.id);
    assert.equal(previous.amount, 500);

    // A subscription bought at the old price (its webhook arrives after the change) is the plan's.
    const subscriber = await createSubscriber(prisma, s.tenant.id);
    const state = {
      id: newSubscriptionId(),
      customerId: subscriber.stripeCustomerId!,
      status: 'active',
      priceId: oldPrice,
      currentPeriodStart: Math.floor(Date.now() / 1000) - 60,
      currentPeriodEnd: Math.floor(Date.now() / 1000) + 86_400,
      cancelAtPeriodEnd: false,
      canceledAt: null,
      metadata: {},
    };
    const payload = JSON.stringify(stripeEvent('customer.subscription.created', subscriptionObject(state)));
    const delivered = await s.app.inject({
      method: 'POST',
      url: '/billing/webhooks/stripe',
      payload,
      headers: signedHeaders(payload),
    });
    assert.equal(delivered.statusCode, 200, delivered.body);
    const row = await prisma.subscription.findUniqueOrThrow({ where: { stripeSubscriptionId: state.id } });
    assert.equal(row.planId, s.plan.id);

    const read = await s.app.inject({
      method: 'GET',
      url: `/billing/v1/plans/${s.plan.id}`,
      headers: s.auth,
    });
    assert.equal(read.statusCode, 200);
    assert.deepEqual(read.json(), plan);
  });

  test('grants edits publish plan.changed with the next version; trial and codes alone touch no Stripe object', async (t) => {
    const s = await setup();
    t.after(() => s.app.close());
    const before = s.stripe.requests.length;
    const trial = await s.patch({ trialDays: 30 });
    assert.equal(trial.statusCode, 200, trial.body);
    assert.equal(trial.json().trialDays, 30);
    assert.equal(s.stripe.requests.length, before, 'no Stripe call');

    const grants = await s.patch({ showIds: [s.weekly.id, s.weekly.id] });
    assert.equal(grants.statusCode, 200, grants.body);
    assert.deepEqual(grants.json().showIds, [s.weekly.id]);
    const event = await prisma.outboxMessage.findUniqueOrThrow({ where: { msgId: `plan:${s.plan.id}:2` } });
    assert.equal(event.subject, 'gh.access.plan.changed.v1');
    assert.deepEqual((event.payload as { grants: { showIds: string[] } }).grants.showIds, [s.weekly.id]);
  });

  test('bad edits change nothing: empty, out of range, foreign show, unknown or another tenant’s plan', async (t) => {
    const s = await setup();
    const other = await setup();
    t.after(() => s.app.close());
    t.after(() => other.app.close());
    const cases: [object, number][] = [
      [{}, 400],
      [{ trialDays: 731 }, 400],
      [{ trialDays: -1 }, 400],
      [{ amount: 10 }, 400],
      [{ name: '' }, 400],
      [{ stripePriceId: 'price_x' }, 400],
      [{ showIds: [other.daily.id] }, 422],
    ];
    for (const [payload, status] of cases) {
      const answer = await s.patch(payload);
      assert.equal(answer.statusCode, status, `${JSON.stringify(payload)}: ${answer.body}`);
    }
    assert.equal((await s.patch({ name: 'x' }, randomUUID())).statusCode, 404);
    assert.equal((await s.patch({ name: 'x' }, other.plan.id)).statusCode, 404);
    const archiveForeign = await s.app.inject({
      method: 'POST',
      url: `/billing/v1/plans/${other.plan.id}/archive`,
      headers: s.auth,
    });
    assert.equal(archiveForeign.statusCode, 404);
    const unchanged = await prisma.plan.findUniqueOrThrow({
      where: { id: s.plan.id },
      include: { grants: true },
    });
    assert.equal(unchanged.name, 'Gold');
    assert.equal(unchanged.trialDays, 3);
    assert.deepEqual(
      unchanged.grants.map((grant) => grant.showId),
      [s.daily.id],
    );
    assert.equal((await prisma.plan.findUniqueOrThrow({ where: { id: other.plan.id } })).active, true);
  });

  test('archiving: off sale with its price, listed as archived, idempotent', async (t) => {
    const s = await setup();
    t.after(() => s.app.close());
    const archive = () =>
      s.app.inject({ method: 'POST', url: `/billing/v1/plans/${s.plan.id}/archive`, headers: s.auth });
    const first = await archive();
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(first.json().active, false);
    assert.ok(first.json().archivedAt);
    assert.equal(s.stripe.to('POST', `/v1/prices/${s.plan.stripePriceId}`)[0]?.params.get('active'), 'false');
    const second = await archive();
    assert.equal(second.statusCode, 200);
    assert.equal(second.json().archivedAt, first.json().archivedAt);
    assert.equal(s.stripe.to('POST', `/v1/prices/${s.plan.stripePriceId}`).length, 1, 'Stripe asked once');
    const listed = await s.app.inject({ method: 'GET', url: '/billing/v1/plans', headers: s.auth });
    assert.equal(listed.json().plans[0].active, false);
  });
});
