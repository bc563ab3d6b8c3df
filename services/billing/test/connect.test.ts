import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { createPrismaClient } from '@gatehouse/db';
import { stackEnv } from '@gatehouse/testkit';
import type { StripeGateway } from '../src/domain/stripe.port.ts';
import {
  billingApp,
  createPlanRow,
  createTenant,
  PUBLIC_BASE_URL,
  recordedStripe,
  recordingGateway,
  signedHeaders,
  stripeEvent,
} from './billing-fixtures.ts';

// Stripe Connect: onboarding links against stripe-mock (the real SDK, its HTTP client recorded),
// and `account.updated` delivered as signed webhooks.
const prisma = createPrismaClient(stackEnv().databaseUrl, { poolSize: 4 });
after(() => prisma.$disconnect());

const newAccountId = () => `acct_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
const accountObject = (id: string, chargesEnabled: boolean, detailsSubmitted = chargesEnabled) => ({
  id,
  object: 'account',
  type: 'express',
  charges_enabled: chargesEnabled,
  details_submitted: detailsSubmitted,
  payouts_enabled: chargesEnabled,
});

describe('Connect onboarding', () => {
  test('the first link creates one Express account (prefilled with the owner); later links reuse it', async (t) => {
    const { tenant, apiKey } = await createTenant(prisma);
    const owner = await prisma.user.create({ data: { email: `owner-${randomUUID()}@example.test` } });
    await prisma.tenantMember.create({ data: { tenantId: tenant.id, userId: owner.id, role: 'owner' } });
    const stripe = recordingGateway();
    const app = billingApp(prisma, stripe.gateway);
    t.after(() => app.close());
    const auth = { authorization: `Bearer ${apiKey}` };

    const before = await app.inject({ method: 'GET', url: '/billing/v1/connect', headers: auth });
    assert.equal(before.statusCode, 200, before.body);
    assert.deepEqual(before.json(), { accountId: null, chargesEnabled: false, detailsSubmitted: false });

    const first = await app.inject({
      method: 'POST',
      url: '/billing/v1/connect/onboarding-link',
      headers: auth,
    });
    assert.equal(first.statusCode, 201, first.body);
    assert.match(first.json().url, /^https:\/\//);
    assert.ok(!Number.isNaN(Date.parse(first.json().expiresAt)));
    const [created] = stripe.to('POST', '/v1/accounts');
    assert.ok(created, 'an account was created');
    assert.equal(created.params.get('type'), 'express');
    assert.equal(created.params.get('email'), owner.email);
    assert.equal(created.params.get('metadata[tenantId]'), tenant.id);
    assert.equal(created.idempotencyKey, `gh-connect-account-${tenant.id}`);
    const stored = await prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } });
    assert.match(stored.stripeAccountId ?? '', /^acct_/);

    const [link] = stripe.to('POST', '/v1/account_links');
    assert.equal(link?.params.get('account'), stored.stripeAccountId);
    assert.equal(link?.params.get('type'), 'account_onboarding');
    assert.equal(
      link?.params.get('refresh_url'),
      `${PUBLIC_BASE_URL}/app/settings/payments?onboarding=refresh`,
    );
    assert.equal(
      link?.params.get('return_url'),
      `${PUBLIC_BASE_URL}/app/settings/payments?onboarding=return`,
    );

    const second = await app.inject({
      method: 'POST',
      url: '/billing/v1/connect/onboarding-link',
      headers: auth,
    });
    assert.equal(second.statusCode, 201, second.body);
    assert.equal(stripe.to('POST', '/v1/accounts').length, 1, 'no second account');
    assert.equal(stripe.to('POST', '/v1/account_links')[1]?.params.get('account'), stored.stripeAccountId);

    const status = await app.inject({ method: 'GET', url: '/billing/v1/connect', headers: auth });
    assert.deepEqual(status.json(), {
      accountId: stored.stripeAccountId,
      chargesEnabled: false,
      detailsSubmitted: false,
    });
    assert.equal((await app.inject({ method: 'GET', url: '/billing/v1/connect' })).statusCode, 401);
  });

  /** An onboarding-link request that must fail with `status`, leaving the tenant unconnected. */
  async function refusedOnboarding(
    t: { after(fn: () => unknown): void },
    gateway: StripeGateway,
    status: number,
    prepare: (tenantId: string) => Promise<unknown> = async () => {},
  ) {
    const { tenant, apiKey } = await createTenant(prisma);
    await prepare(tenant.id);
    const app = billingApp(prisma, gateway);
    t.after(() => app.close());
    const answer = await app.inject({
      method: 'POST',
      url: '/billing/v1/connect/onboarding-link',
      headers: { authorization: `Bearer ${apiKey}` },
    });
    assert.equal(answer.statusCode, status, answer.body);
    assert.equal((await prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } })).stripeAccountId, null);
    return answer;
  }

  test('a tenant with plans on the platform account cannot connect (409, nothing created)', async (t) => {
    const stripe = recordingGateway();
    const answer = await refusedOnboarding(t, stripe.gateway, 409, (tenantId) =>
      createPlanRow(prisma, tenantId),
    );
    assert.equal(answer.json().error.details.reason, 'platform_plans_exist');
    assert.equal(stripe.requests.length, 0);
  });

  test('Stripe down: 503 and no account stored', async (t) => {
    await refusedOnboarding(t, recordedStripe().gateway, 503);
  });
});

describe('account.updated', () => {
  async function setup() {
    const account = newAccountId();
    const { tenant, apiKey } = await createTenant(prisma, { stripeAccountId: account });
    const stripe = recordedStripe();
    const app = billingApp(prisma, stripe.gateway);
    const deliver = (event: object) => {
      const payload = JSON.stringify(event);
      return app.inject({
        method: 'POST',
        url: '/billing/webhooks/stripe',
        payload,
        headers: signedHeaders(payload),
      });
    };
    const state = async () => {
      const row = await prisma.tenant.findUniqueOrThrow({ where: { id: tenant.id } });
      return { chargesEnabled: row.chargesEnabled, detailsSubmitted: row.detailsSubmitted };
    };
    return { account, tenant, apiKey, stripe, app, deliver, state };
  }

  test('a signed Connect event turns payments on; a replay changes nothing', async (t) => {
    const s = await setup();
    t.after(() => s.app.close());
    const event = stripeEvent('account.updated', accountObject(s.account, true), { account: s.account });
    const first = await s.deliver(event);
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(first.json().result, 'processed');
    assert.deepEqual(await s.state(), { chargesEnabled: true, detailsSubmitted: true });
    const connect = await s.app.inject({
      method: 'GET',
      url: '/billing/v1/connect',
      headers: { authorization: `Bearer ${s.apiKey}` },
    });
    assert.deepEqual(connect.json(), { accountId: s.account, chargesEnabled: true, detailsSubmitted: true });

    // Someone switches it off in the database; the replayed event is a duplicate and does nothing.
    await prisma.tenant.update({ where: { id: s.tenant.id }, data: { chargesEnabled: false } });
    const replay = await s.deliver(event);
    assert.equal(replay.json().result, 'duplicate');
    assert.equal((await s.state()).chargesEnabled, false);
    assert.equal(await prisma.processedWebhook.count({ where: { stripeEventId: event.id } }), 1);
  });

  test('an older event never turns payments back off: it is replaced by the account as Stripe holds it', async (t) => {
    const s = await setup();
    t.after(() => s.app.close());
    const now = Math.floor(Date.now() / 1000);
    const newer = stripeEvent('account.updated', accountObject(s.account, true), {
      account: s.account,
      created: now,
    });
    assert.equal((await s.deliver(newer)).json().result, 'processed');
    s.stripe.accounts.set(s.account, { accountId: s.account, chargesEnabled: true, detailsSubmitted: true });
    const older = stripeEvent('account.updated', accountObject(s.account, false), {
      account: s.account,
      created: now - 60,
    });
    const answer = await s.deliver(older);
    assert.equal(answer.json().result, 'processed');
    assert.equal(s.stripe.retrievals, 1, 'the stale event made billing ask Stripe');
    assert.deepEqual(await s.state(), { chargesEnabled: true, detailsSubmitted: true });

    // Stripe later disables charges (an event newer than the re-fetch, which counts as "now"): applied as sent.
    const disabled = stripeEvent('account.updated', accountObject(s.account, false, true), {
      account: s.account,
      created: now + 30,
    });
    assert.equal((await s.deliver(disabled)).json().result, 'processed');
    assert.deepEqual(await s.state(), { chargesEnabled: false, detailsSubmitted: true });
    assert.equal(s.stripe.retrievals, 1);
  });

  test('an unknown account is acknowledged and changes nothing; a mismatched or malformed one is a 400', async (t) => {
    const s = await setup();
    t.after(() => s.app.close());
    const stranger = newAccountId();
    const unknown = await s.deliver(
      stripeEvent('account.updated', accountObject(stranger, true), { account: stranger }),
    );
    assert.equal(unknown.statusCode, 200, unknown.body);
    assert.equal(unknown.json().result, 'processed');
    assert.deepEqual(await s.state(), { chargesEnabled: false, detailsSubmitted: false });

    const mismatched = stripeEvent('account.updated', accountObject(stranger, true), { account: s.account });
    assert.equal((await s.deliver(mismatched)).statusCode, 400);
    const malformed = stripeEvent(
      'account.updated',
      { object: 'account', charges_enabled: true },
      { account: s.account },
    );
    assert.equal((await s.deliver(malformed)).statusCode, 400);
    for (const event of [mismatched, malformed]) {
      assert.equal(await prisma.processedWebhook.count({ where: { stripeEventId: event.id } }), 0);
    }
    assert.deepEqual(await s.state(), { chargesEnabled: false, detailsSubmitted: false });
  });
});
