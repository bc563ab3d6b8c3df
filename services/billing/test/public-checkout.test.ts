import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { createPrismaClient, type PrismaClient } from '@gatehouse/db';
import { stackEnv } from '@gatehouse/testkit';
import { billingApp, createTenant, PUBLIC_BASE_URL, recordingGateway } from './billing-fixtures.ts';

// The listener pages' Subscribe button: POST /billing/v1/public/checkout without credentials,
// against Postgres and stripe-mock through the real SDK (its HTTP client wrapped to record what
// billing sent, since stripe-mock answers from fixtures).
const prisma = createPrismaClient(stackEnv().databaseUrl, { poolSize: 4 });
after(() => prisma.$disconnect());

async function creator(db: PrismaClient, options: Parameters<typeof createTenant>[1] = {}) {
  const { tenant, apiKey } = await createTenant(db, options);
  const show = await db.show.create({
    data: { tenantId: tenant.id, slug: 'daily', title: 'Daily', podcastGuid: randomUUID() },
  });
  const other = await db.show.create({
    data: { tenantId: tenant.id, slug: 'weekly', title: 'Weekly', podcastGuid: randomUUID() },
  });
  return { tenant, apiKey, show, other, auth: { authorization: `Bearer ${apiKey}` } };
}

function setup(options: { perMinute?: number; trustProxy?: string } = {}) {
  const stripe = recordingGateway();
  const app = billingApp(prisma, stripe.gateway, () => {}, {
    ...(options.perMinute === undefined ? {} : { publicCheckoutsPerMinute: options.perMinute }),
    ...(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy }),
  });
  const checkout = (payload: object, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/billing/v1/public/checkout', payload, headers });
  return { app, stripe, checkout };
}

async function createPlan(
  app: ReturnType<typeof setup>['app'],
  auth: Record<string, string>,
  payload: Record<string, unknown>,
) {
  const created = await app.inject({
    method: 'POST',
    url: '/billing/v1/plans',
    headers: auth,
    payload: { name: 'Supporter', amount: 500, currency: 'usd', interval: 'month', ...payload },
  });
  assert.equal(created.statusCode, 201, created.body);
  return created.json() as { id: string; stripePriceId: string };
}

describe('public checkout', () => {
  test('trial days and promotion codes from the plan reach Stripe; return pages name the tenant and show', async (t) => {
    const c = await creator(prisma);
    const s = setup();
    t.after(() => s.app.close());
    const plan = await createPlan(s.app, c.auth, {
      trialDays: 14,
      allowPromotionCodes: true,
      showIds: [c.other.id],
    });
    const answer = await s.checkout({
      tenantSlug: c.tenant.slug,
      planId: plan.id,
      email: 'fan@example.test',
    });
    assert.equal(answer.statusCode, 201, answer.body);
    assert.deepEqual(Object.keys(answer.json()), ['url']);
    assert.match(answer.json().url, /^https:\/\/checkout\.stripe\.com\//);

    const [sent] = s.stripe.to('POST', '/v1/checkout/sessions');
    assert.ok(sent, 'billing created a Checkout session');
    const params = sent.params;
    assert.equal(params.get('mode'), 'subscription');
    assert.equal(params.get('line_items[0][price]'), plan.stripePriceId);
    assert.equal(params.get('subscription_data[trial_period_days]'), '14');
    assert.equal(params.get('allow_promotion_codes'), 'true');
    assert.equal(params.get('customer_email'), 'fan@example.test');
    assert.equal(
      params.get('success_url'),
      `${PUBLIC_BASE_URL}/listen/${c.tenant.slug}/welcome?session_id={CHECKOUT_SESSION_ID}`,
    );
    // No show named: back to the show the plan grants.
    assert.equal(params.get('cancel_url'), `${PUBLIC_BASE_URL}/listen/${c.tenant.slug}/weekly`);
    assert.equal(params.get('metadata[tenantId]'), c.tenant.id);
    assert.equal(params.get('subscription_data[metadata][planId]'), plan.id);
    assert.equal(params.get('subscription_data[application_fee_percent]'), null, 'platform tenant: no fee');
    assert.equal(sent.account, undefined, 'platform tenant: no Stripe-Account header');

    // The show page the listener is on wins.
    const fromShow = await s.checkout({ tenantSlug: c.tenant.slug, planId: plan.id, showSlug: 'daily' });
    assert.equal(fromShow.statusCode, 201, fromShow.body);
    const second = s.stripe.to('POST', '/v1/checkout/sessions')[1]!;
    assert.equal(second.params.get('cancel_url'), `${PUBLIC_BASE_URL}/listen/${c.tenant.slug}/daily`);
    assert.equal(second.params.get('customer_email'), null);
  });

  test('a plan without trial or codes sends neither', async (t) => {
    const c = await creator(prisma);
    const s = setup();
    t.after(() => s.app.close());
    const plan = await createPlan(s.app, c.auth, {});
    const answer = await s.checkout({ tenantSlug: c.tenant.slug, planId: plan.id });
    assert.equal(answer.statusCode, 201, answer.body);
    const [sent] = s.stripe.to('POST', '/v1/checkout/sessions');
    assert.equal(sent?.params.get('subscription_data[trial_period_days]'), null);
    assert.equal(sent?.params.get('allow_promotion_codes'), null);
  });

  test('a connected account: checkout on it, with the platform fee; refused until it can take payments', async (t) => {
    const account = `acct_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    const c = await creator(prisma, {
      stripeAccountId: account,
      chargesEnabled: false,
      applicationFeeBps: 250,
    });
    const s = setup();
    t.after(() => s.app.close());
    const plan = await createPlan(s.app, c.auth, { showIds: [c.show.id] });
    const refused = await s.checkout({ tenantSlug: c.tenant.slug, planId: plan.id });
    assert.equal(refused.statusCode, 409, refused.body);
    assert.equal(refused.json().error.code, 'CONFLICT');
    assert.equal(refused.json().error.details.reason, 'payments_not_enabled');
    assert.equal(s.stripe.to('POST', '/v1/checkout/sessions').length, 0);

    await prisma.tenant.update({ where: { id: c.tenant.id }, data: { chargesEnabled: true } });
    const answer = await s.checkout({ tenantSlug: c.tenant.slug, planId: plan.id });
    assert.equal(answer.statusCode, 201, answer.body);
    const [sent] = s.stripe.to('POST', '/v1/checkout/sessions');
    assert.equal(sent?.account, account);
    assert.equal(sent?.params.get('subscription_data[application_fee_percent]'), '2.5');
  });

  test('unknown tenant, plan or show: 404 with a reason; archived plan: 409; another tenant’s plan: 404', async (t) => {
    const c = await creator(prisma);
    const stranger = await creator(prisma);
    const s = setup();
    t.after(() => s.app.close());
    const plan = await createPlan(s.app, c.auth, {});
    const foreignPlan = await createPlan(s.app, stranger.auth, {});
    const cases: [object, number, string][] = [
      [{ tenantSlug: 'no-such-creator', planId: plan.id }, 404, 'tenant_not_found'],
      [{ tenantSlug: c.tenant.slug, planId: randomUUID() }, 404, 'plan_not_found'],
      [{ tenantSlug: c.tenant.slug, planId: foreignPlan.id }, 404, 'plan_not_found'],
      [{ tenantSlug: c.tenant.slug, planId: plan.id, showSlug: 'no-such-show' }, 404, 'show_not_found'],
    ];
    for (const [payload, status, reason] of cases) {
      const answer = await s.checkout(payload);
      assert.equal(answer.statusCode, status, `${reason}: ${answer.body}`);
      assert.equal(answer.json().error.code, 'NOT_FOUND');
      assert.equal(answer.json().error.details.reason, reason);
    }
    await prisma.tenant.update({ where: { id: stranger.tenant.id }, data: { status: 'suspended' } });
    const suspended = await s.checkout({ tenantSlug: stranger.tenant.slug, planId: foreignPlan.id });
    assert.equal(suspended.statusCode, 404);

    const archived = await s.app.inject({
      method: 'POST',
      url: `/billing/v1/plans/${plan.id}/archive`,
      headers: c.auth,
    });
    assert.equal(archived.statusCode, 200, archived.body);
    assert.equal(archived.json().active, false);
    const refused = await s.checkout({ tenantSlug: c.tenant.slug, planId: plan.id });
    assert.equal(refused.statusCode, 409, refused.body);
    assert.equal(refused.json().error.details.reason, 'plan_archived');
    // The creators' API refuses it too.
    const viaApi = await s.app.inject({
      method: 'POST',
      url: '/billing/v1/checkout-sessions',
      headers: c.auth,
      payload: { planId: plan.id },
    });
    assert.equal(viaApi.statusCode, 409);

    for (const bad of [
      {},
      { tenantSlug: c.tenant.slug },
      { tenantSlug: c.tenant.slug, planId: 'x' },
      { tenantSlug: c.tenant.slug, planId: plan.id, email: 'not-an-email' },
      { tenantSlug: c.tenant.slug, planId: plan.id, extra: 1 },
    ]) {
      assert.equal((await s.checkout(bad)).statusCode, 400, JSON.stringify(bad));
    }
    assert.equal(s.stripe.to('POST', '/v1/checkout/sessions').length, 0, 'no refusal reached Stripe');
  });

  test('each client address gets a few checkouts a minute, then 429 with Retry-After', async (t) => {
    const c = await creator(prisma);
    const s = setup({ perMinute: 2, trustProxy: '127.0.0.1' });
    t.after(() => s.app.close());
    const plan = await createPlan(s.app, c.auth, {});
    const payload = { tenantSlug: c.tenant.slug, planId: plan.id };
    const from = (address: string) => ({ 'x-forwarded-for': address });
    assert.equal((await s.checkout(payload, from('203.0.113.7'))).statusCode, 201);
    assert.equal((await s.checkout(payload, from('203.0.113.7'))).statusCode, 201);
    const limited = await s.checkout(payload, from('203.0.113.7'));
    assert.equal(limited.statusCode, 429, limited.body);
    assert.equal(limited.json().error.code, 'RATE_LIMITED');
    assert.ok(Number(limited.headers['retry-after']) >= 1, 'Retry-After names the wait');
    assert.equal(
      (await s.checkout(payload, from('198.51.100.9'))).statusCode,
      201,
      'another address is not limited',
    );
    assert.equal(s.stripe.to('POST', '/v1/checkout/sessions').length, 3, 'the refused request made nothing');

    // Without a trusted proxy a client cannot pick its own address with X-Forwarded-For.
    const direct = setup({ perMinute: 1 });
    t.after(() => direct.app.close());
    assert.equal((await direct.checkout(payload, from('203.0.113.1'))).statusCode, 201);
    assert.equal((await direct.checkout(payload, from('203.0.113.2'))).statusCode, 429);
  });
});
