import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { computeSubscriberAccess } from '@gatehouse/access-snapshot';
import { createPrismaClient } from '@gatehouse/db';
import { stackEnv } from '@gatehouse/testkit';
import type { SubscriptionState } from '../src/domain/stripe-state.ts';
import {
  billingApp,
  createPlanRow,
  createSubscriber,
  createTenant,
  INTERNAL_API_TOKEN,
  newSubscriptionId,
  recordedStripe,
  signedHeaders,
  stripeEvent,
  subscriptionObject,
  WEBHOOK_SECRETS,
} from './billing-fixtures.ts';

const prisma = createPrismaClient(stackEnv().databaseUrl, { poolSize: 4 });
after(() => prisma.$disconnect());

const now = () => Math.floor(Date.now() / 1000);

async function setup(options: { graceSeconds?: number; stripeAccountId?: string } = {}) {
  const { tenant, apiKey } = await createTenant(prisma, options);
  const plan = await createPlanRow(prisma, tenant.id);
  const subscriber = await createSubscriber(prisma, tenant.id);
  const stripe = recordedStripe();
  const app = billingApp(prisma, stripe.gateway);
  const state = (over: Partial<SubscriptionState> = {}): SubscriptionState => ({
    id: newSubscriptionId(),
    customerId: subscriber.stripeCustomerId!,
    status: 'active',
    priceId: plan.stripePriceId,
    currentPeriodStart: now() - 86_400,
    currentPeriodEnd: now() + 29 * 86_400,
    cancelAtPeriodEnd: false,
    canceledAt: null,
    metadata: {},
    ...over,
  });
  const deliver = (event: object, headers?: Record<string, string>) => {
    const payload = JSON.stringify(event);
    return app.inject({
      method: 'POST',
      url: '/billing/webhooks/stripe',
      payload,
      headers: headers ?? signedHeaders(payload),
    });
  };
  const ledger = (eventId: string) => prisma.processedWebhook.count({ where: { stripeEventId: eventId } });
  const outbox = () =>
    prisma.outboxMessage.findMany({
      where: {
        OR: [
          { msgId: { startsWith: `access:${subscriber.id}:` } },
          { msgId: { startsWith: `rotated:${subscriber.id}:` } },
          { payload: { path: ['subscriberId'], equals: subscriber.id } },
        ],
      },
      orderBy: { createdAt: 'asc' },
    });
  return { tenant, apiKey, plan, subscriber, stripe, app, state, deliver, ledger, outbox };
}

describe('webhook verification', () => {
  test('bad webhooks: right status, no ledger row, nothing published', async (t) => {
    const s = await setup();
    t.after(() => s.app.close());
    const event = stripeEvent('customer.subscription.created', subscriptionObject(s.state()));
    const payload = JSON.stringify(event);
    const forged = JSON.stringify({
      ...event,
      data: { object: { ...(event.data.object as object), status: 'active', customer: 'cus_attacker' } },
    });
    const garbage = '{"id": "evt_broken", "type": "customer.subscription.created",';
    const unknown = stripeEvent('customer.created', { id: 'cus_x', object: 'customer' });
    const unknownPayload = JSON.stringify(unknown);
    const cases: {
      name: string;
      payload: string;
      headers: Record<string, string>;
      status: number;
      eventId: string;
    }[] = [
      {
        name: 'forged signature (body changed after signing)',
        payload: forged,
        headers: signedHeaders(payload),
        status: 400,
        eventId: event.id,
      },
      {
        name: 'stale timestamp',
        payload,
        headers: signedHeaders(payload, { timestamp: now() - 3600 }),
        status: 400,
        eventId: event.id,
      },
      {
        name: 'wrong secret',
        payload,
        headers: signedHeaders(payload, { secret: 'whsec_not_ours_0123456789' }),
        status: 400,
        eventId: event.id,
      },
      {
        name: 'malformed JSON (correctly signed)',
        payload: garbage,
        headers: signedHeaders(garbage),
        status: 400,
        eventId: 'evt_broken',
      },
      {
        name: 'missing signature',
        payload,
        headers: { 'content-type': 'application/json' },
        status: 400,
        eventId: event.id,
      },
      {
        name: 'unknown event type',
        payload: unknownPayload,
        headers: signedHeaders(unknownPayload),
        status: 200,
        eventId: unknown.id,
      },
    ];
    for (const c of cases) {
      const response = await s.app.inject({
        method: 'POST',
        url: '/billing/webhooks/stripe',
        payload: c.payload,
        headers: c.headers,
      });
      assert.equal(response.statusCode, c.status, `${c.name}: ${response.body}`);
      if (c.status === 400) assert.equal(response.json().error.code, 'BAD_REQUEST', c.name);
      else assert.deepEqual(response.json(), { received: true, result: 'ignored' }, c.name);
      assert.equal(await s.ledger(c.eventId), 0, `${c.name}: ledger`);
    }
    assert.deepEqual(await s.outbox(), [], 'nothing published');
    assert.equal(await prisma.subscription.count({ where: { subscriberId: s.subscriber.id } }), 0);

    // The same event signed with the previous secret (rotation) is accepted.
    const rotated = await s.deliver(event, signedHeaders(payload, { secret: WEBHOOK_SECRETS[1]! }));
    assert.equal(rotated.statusCode, 200);
    assert.equal(rotated.json().result, 'processed');
  });

  test('a handled type with an unusable object is a 400 and leaves nothing', async (t) => {
    const s = await setup();
    t.after(() => s.app.close());
    const event = stripeEvent('customer.subscription.updated', {
      id: 'sub_x',
      object: 'subscription',
      status: 'bogus',
    });
    const response = await s.deliver(event);
    assert.equal(response.statusCode, 400);
    assert.equal(await s.ledger(event.id), 0);
  });
});

describe('webhook application', () => {
  test('a duplicate delivery is acknowledged and ignored, also when deliveries race', async (t) => {
    const s = await setup();
    t.after(() => s.app.close());
    const event = stripeEvent('customer.subscription.created', subscriptionObject(s.state()));
    const first = await s.deliver(event);
    assert.deepEqual(first.json(), { received: true, result: 'processed' });
    const again = await s.deliver(event);
    assert.equal(again.statusCode, 200);
    assert.deepEqual(again.json(), { received: true, result: 'duplicate' });

    const racing = stripeEvent(
      'customer.subscription.updated',
      subscriptionObject(s.state({ status: 'past_due' })),
      {
        created: now() + 1,
      },
    );
    const answers = await Promise.all(Array.from({ length: 6 }, () => s.deliver(racing)));
    const results = answers.map((answer) => answer.json().result).sort();
    assert.deepEqual(results, ['duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate', 'processed']);
    assert.equal(await s.ledger(event.id), 1);
    assert.equal(await s.ledger(racing.id), 1);
    const outbox = await s.outbox();
    assert.deepEqual(
      outbox.map((row) => row.subject),
      [
        'gh.billing.subscription.changed.v1',
        'gh.access.subscriber.changed.v1',
        'gh.billing.subscription.changed.v1',
        'gh.access.subscriber.changed.v1',
      ],
    );
  });

  test('an older event never moves the subscription back: it re-fetches from Stripe', async (t) => {
    const s = await setup();
    t.after(() => s.app.close());
    const active = s.state();
    const canceled = { ...active, status: 'canceled' as const, canceledAt: now() };
    s.stripe.subscriptions.set(active.id, canceled);
    const older = stripeEvent('customer.subscription.created', subscriptionObject(active), {
      created: now() - 20,
    });
    const newer = stripeEvent('customer.subscription.deleted', subscriptionObject(canceled), {
      created: now() - 10,
    });
    assert.equal((await s.deliver(newer)).json().result, 'processed');
    assert.equal(s.stripe.retrievals, 0, 'a newest event is applied as-is');
    assert.equal((await s.deliver(older)).json().result, 'processed');
    assert.equal(s.stripe.retrievals, 1, 'the older event re-fetched');
    const row = await prisma.subscription.findUniqueOrThrow({ where: { stripeSubscriptionId: active.id } });
    assert.equal(row.status, 'canceled');
    const access = await computeSubscriberAccess(prisma, s.subscriber.id);
    assert.deepEqual(access?.plans, []);
    assert.equal(access?.lifecycle, 'ended');
  });

  test('access rules: past_due within grace, cancel at period end, deny statuses', async (t) => {
    const grace = 3 * 86_400;
    const s = await setup({ graceSeconds: grace });
    t.after(() => s.app.close());
    const base = s.state();
    let created = now() - 100;
    const apply = async (over: Partial<SubscriptionState>) => {
      const state = { ...base, ...over };
      s.stripe.subscriptions.set(base.id, state);
      const response = await s.deliver(
        stripeEvent('customer.subscription.updated', subscriptionObject(state), { created: created++ }),
      );
      assert.equal(response.statusCode, 200);
      return computeSubscriberAccess(prisma, s.subscriber.id);
    };
    assert.deepEqual((await apply({}))?.plans, [{ planId: s.plan.id, until: null }]);
    const pastDue = await apply({ status: 'past_due' });
    assert.deepEqual(pastDue?.plans, [
      { planId: s.plan.id, until: (base.currentPeriodStart! + grace) * 1000 },
    ]);
    assert.equal(pastDue?.lifecycle, 'payment_failed');
    const ending = await apply({ status: 'active', cancelAtPeriodEnd: true });
    assert.deepEqual(ending?.plans, [{ planId: s.plan.id, until: base.currentPeriodEnd! * 1000 }]);
    for (const status of ['unpaid', 'paused', 'incomplete', 'incomplete_expired', 'canceled'] as const) {
      assert.deepEqual((await apply({ status, cancelAtPeriodEnd: false }))?.plans, [], status);
    }
    const trialing = await apply({ status: 'trialing' });
    assert.deepEqual(trialing?.plans, [{ planId: s.plan.id, until: null }]);
    // every change bumped the version, and each snapshot went to the outbox
    const snapshots = (await s.outbox()).filter((row) => row.subject === 'gh.access.subscriber.changed.v1');
    const versions = snapshots.map((row) => (row.payload as { access: { version: number } }).access.version);
    assert.deepEqual(
      versions,
      [...versions].sort((a, b) => a - b),
    );
    assert.equal(new Set(versions).size, versions.length);
  });

  test('invoice events re-fetch their subscription; checkout links the customer by e-mail', async (t) => {
    const s = await setup();
    t.after(() => s.app.close());
    const customerId = `cus_checkout_${Date.now()}`;
    const email = `Buyer-${Date.now()}@Example.test`;
    const state = s.state({ customerId, metadata: { tenantId: s.tenant.id, planId: s.plan.id } });
    s.stripe.subscriptions.set(state.id, state);
    const session = {
      id: 'cs_test_1',
      object: 'checkout.session',
      mode: 'subscription',
      customer: customerId,
      subscription: state.id,
      customer_details: { email },
      metadata: { tenantId: s.tenant.id, planId: s.plan.id },
    };
    const response = await s.deliver(stripeEvent('checkout.session.completed', session));
    assert.deepEqual(response.json(), { received: true, result: 'processed' });
    const buyer = await prisma.subscriber.findUniqueOrThrow({
      where: { tenantId_email: { tenantId: s.tenant.id, email: email.toLowerCase() } },
      include: { subscriptions: true, accessCredential: true },
    });
    assert.equal(buyer.stripeCustomerId, customerId);
    assert.equal(buyer.subscriptions[0]?.status, 'active');
    assert.equal(buyer.accessCredential?.generation, 1);

    s.stripe.subscriptions.set(state.id, { ...state, status: 'past_due' });
    const invoice = {
      id: 'in_1',
      object: 'invoice',
      parent: { subscription_details: { subscription: state.id } },
    };
    assert.equal((await s.deliver(stripeEvent('invoice.payment_failed', invoice))).statusCode, 200);
    const access = await computeSubscriberAccess(prisma, buyer.id);
    assert.equal(access?.lifecycle, 'payment_failed');
  });

  test('Connect: the event account names the tenant; another account cannot touch its plans', async (t) => {
    const account = `acct_${Date.now()}${Math.floor(Math.random() * 1000)}`;
    const s = await setup({ stripeAccountId: account });
    t.after(() => s.app.close());
    const state = s.state();
    const wrong = await s.deliver(
      stripeEvent('customer.subscription.created', subscriptionObject(state), { account: 'acct_other' }),
    );
    assert.equal(wrong.statusCode, 200, 'acknowledged (Stripe must stop retrying) but not applied');
    assert.equal(await prisma.subscription.count({ where: { stripeSubscriptionId: state.id } }), 0);
    const platform = await s.deliver(stripeEvent('customer.subscription.created', subscriptionObject(state)));
    assert.equal(platform.statusCode, 200);
    assert.equal(await prisma.subscription.count({ where: { stripeSubscriptionId: state.id } }), 0);
    const right = await s.deliver(
      stripeEvent('customer.subscription.created', subscriptionObject(state), { account }),
    );
    assert.equal(right.json().result, 'processed');
    assert.equal(await prisma.subscription.count({ where: { stripeSubscriptionId: state.id } }), 1);
  });
});

describe('token rotation', () => {
  test('bumps generation and version with a rotated event; tenant-scoped; key required', async (t) => {
    const s = await setup();
    t.after(() => s.app.close());
    const before = await computeSubscriberAccess(prisma, s.subscriber.id);
    const response = await s.app.inject({
      method: 'POST',
      url: `/billing/v1/subscribers/${s.subscriber.id}/rotate-token`,
      headers: { authorization: `Bearer ${s.apiKey}` },
      payload: { rotatedBy: 'subscriber' },
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(response.json(), {
      subscriberId: s.subscriber.id,
      generation: (before?.generation ?? 1) + 1,
    });
    const after = await computeSubscriberAccess(prisma, s.subscriber.id);
    assert.equal(after?.version, (before?.version ?? 0) + 1);
    const rows = await s.outbox();
    assert.equal(rows.at(-1)?.subject, 'gh.access.token.rotated.v1');

    const other = await createTenant(prisma);
    const foreign = await s.app.inject({
      method: 'POST',
      url: `/billing/v1/subscribers/${s.subscriber.id}/rotate-token`,
      headers: { authorization: `Bearer ${other.apiKey}` },
    });
    assert.equal(foreign.statusCode, 404);
    const anonymous = await s.app.inject({
      method: 'POST',
      url: `/billing/v1/subscribers/${s.subscriber.id}/rotate-token`,
    });
    assert.equal(anonymous.statusCode, 401);
    const badKey = await s.app.inject({
      method: 'POST',
      url: `/billing/v1/subscribers/${s.subscriber.id}/rotate-token`,
      headers: { authorization: `Bearer ${s.apiKey.slice(0, -1)}x` },
    });
    assert.equal(badKey.statusCode, 401);
  });

  test('the internal rotation route (feeds portal) requires INTERNAL_API_TOKEN', async (t) => {
    const s = await setup();
    t.after(() => s.app.close());
    const url = `/internal/v1/subscribers/${s.subscriber.id}/token-rotations`;
    const payload = { tenantId: s.tenant.id, rotatedBy: 'subscriber' };
    const before = await computeSubscriberAccess(prisma, s.subscriber.id);
    for (const authorization of [
      undefined,
      `Bearer ${INTERNAL_API_TOKEN.slice(0, -1)}x`,
      `Bearer ${s.apiKey}`,
      INTERNAL_API_TOKEN,
    ]) {
      const refused = await s.app.inject({
        method: 'POST',
        url,
        payload,
        ...(authorization === undefined ? {} : { headers: { authorization } }),
      });
      assert.equal(refused.statusCode, 401, `${authorization}: ${refused.body}`);
    }
    assert.equal((await computeSubscriberAccess(prisma, s.subscriber.id))?.generation, before?.generation);
    const rotated = await s.app.inject({
      method: 'POST',
      url,
      payload,
      headers: { authorization: `Bearer ${INTERNAL_API_TOKEN}` },
    });
    assert.equal(rotated.statusCode, 200, rotated.body);
    assert.equal(rotated.json().generation, (before?.generation ?? 1) + 1);
  });
});
