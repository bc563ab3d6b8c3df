import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { SubscriberAccess } from '@gatehouse/contracts';
import type { StripeGateway } from './stripe.port.ts';
import type { SubscriptionState } from './stripe-state.ts';
import type {
  PlanOwner,
  StoredSubscription,
  SubscriberLink,
  SubscriptionSyncRepository,
  SubscriptionSyncStore,
} from './subscription-sync.port.ts';
import { applySubscriptionState } from './subscription-sync.ts';
import { processEvent } from './webhook-processor.ts';

// The apply path's rules over an in-memory double of its repository port: no Postgres, so each
// rule (ordering, linking, account check, change detection) is shown on its own. The Postgres
// adapter and the transaction are covered by test/webhooks.test.ts and the property test.

const TENANT = '00000000-0000-4000-8000-000000000001';
const PLAN = '00000000-0000-4000-8000-0000000000a1';

interface World {
  plans: PlanOwner[];
  prices: Map<string, string>;
  subscriptions: StoredSubscription[];
  subscribers: (SubscriberLink & { tenantId: string; email: string })[];
  ledger: Set<string>;
  tenants: { id: string; account: string | null }[];
  events: { subject: string; eventId: string }[];
  locks: string[];
  transactions: number;
}

function memoryStore(world: World): SubscriptionSyncStore {
  const repository: SubscriptionSyncRepository = {
    async lock(key) {
      world.locks.push(key);
    },
    async recordEvent(event) {
      if (world.ledger.has(event.id)) return false;
      world.ledger.add(event.id);
      return true;
    },
    async findTenantByAccount(account) {
      return world.tenants.find((tenant) => tenant.account === account)?.id ?? null;
    },
    async findPlatformTenant(id) {
      return world.tenants.find((tenant) => tenant.id === id && tenant.account === null)?.id ?? null;
    },
    async findSubscription(stripeId) {
      return world.subscriptions.find((row) => row.id === `row-${stripeId}`) ?? null;
    },
    async findPlanByPrice(priceId) {
      return world.plans.find((plan) => plan.id === world.prices.get(priceId)) ?? null;
    },
    async findPlan(planId) {
      return world.plans.find((plan) => plan.id === planId) ?? null;
    },
    async markApplied(id, lastApplied) {
      const row = world.subscriptions.find((candidate) => candidate.id === id)!;
      row.stripeEventCreated = lastApplied;
    },
    async updateSubscription(id, fields, lastApplied) {
      const row = world.subscriptions.find((candidate) => candidate.id === id)!;
      Object.assign(row, fields, { stripeEventCreated: lastApplied, version: row.version + 1 });
      return { ...row };
    },
    async createSubscription({ stripeSubscriptionId, lastApplied, ...fields }) {
      const row = {
        ...fields,
        id: `row-${stripeSubscriptionId}`,
        version: 1,
        stripeEventCreated: lastApplied,
      };
      world.subscriptions.push(row);
      return { ...row };
    },
    async findSubscriberByCustomer(tenantId, customerId) {
      return (
        world.subscribers.find((s) => s.tenantId === tenantId && s.stripeCustomerId === customerId)?.id ??
        null
      );
    },
    async findSubscriber(tenantId, id) {
      return world.subscribers.find((s) => s.tenantId === tenantId && s.id === id) ?? null;
    },
    async findSubscriberByEmail(tenantId, email) {
      return world.subscribers.find((s) => s.tenantId === tenantId && s.email === email) ?? null;
    },
    async setStripeCustomer(id, customerId) {
      world.subscribers.find((s) => s.id === id)!.stripeCustomerId = customerId;
    },
    async findConnectTenant(accountId) {
      const tenant = world.tenants.find((candidate) => candidate.account === accountId);
      return tenant ? { tenantId: tenant.id, lastEventAt: null } : null;
    },
    async setConnectState() {},
    async createSubscriber({ tenantId, email, customerId }) {
      const id = randomUUID();
      world.subscribers.push({ id, tenantId, email, stripeCustomerId: customerId });
      return id;
    },
    async bumpSubscriberAccess(subscriberId) {
      const version = world.events.filter(
        (event) => event.subject === 'gh.access.subscriber.changed.v1',
      ).length;
      return { subscriberId, version: version + 1, generation: 1 } as SubscriberAccess;
    },
    async enqueue(subject, payload) {
      world.events.push({ subject, eventId: payload.eventId });
    },
  };
  return {
    async withTransaction(work) {
      world.transactions++;
      return work(repository);
    },
    async connectedAccounts() {
      return world.tenants.flatMap((tenant) => (tenant.account ? [tenant.account] : []));
    },
  };
}

function setup(options: { account?: string | null } = {}) {
  const world: World = {
    plans: [{ id: PLAN, tenantId: TENANT, stripeAccountId: options.account ?? null }],
    prices: new Map([['price_1', PLAN]]),
    subscriptions: [],
    subscribers: [],
    ledger: new Set(),
    tenants: [{ id: TENANT, account: options.account ?? null }],
    events: [],
    locks: [],
    transactions: 0,
  };
  const current = new Map<string, SubscriptionState>();
  const emails = new Map<string, string>();
  const gateway = {
    retrievals: 0,
    async retrieveSubscription(id: string) {
      gateway.retrievals++;
      return structuredClone(current.get(id)!);
    },
    async retrieveCustomerEmail(id: string) {
      return emails.get(id) ?? null;
    },
  } as unknown as StripeGateway & { retrievals: number };
  const store = memoryStore(world);
  const apply = (state: SubscriptionState, observedAt: number, source: 'event' | 'fetched' = 'event') =>
    store.withTransaction((repo) =>
      applySubscriptionState(repo, gateway, { state, observedAt, source, account: options.account ?? null }),
    );
  return { world, current, emails, gateway, store, apply };
}

const state = (overrides: Partial<SubscriptionState> = {}): SubscriptionState => ({
  id: 'sub_1',
  customerId: 'cus_1',
  status: 'active',
  priceId: 'price_1',
  currentPeriodStart: 1_000,
  currentPeriodEnd: 2_000,
  cancelAtPeriodEnd: false,
  canceledAt: null,
  metadata: {},
  ...overrides,
});

test('a new subscription creates its subscriber from the customer e-mail, then row, snapshot and two events', async () => {
  const { world, emails, apply } = setup();
  emails.set('cus_1', '  Fan@Example.TEST ');
  const outcome = await apply(state(), 5_000);
  assert.equal(outcome.outcome, 'applied');
  assert.equal(world.subscribers.length, 1);
  assert.equal(world.subscribers[0]!.email, 'fan@example.test', 'e-mail normalised');
  assert.equal(world.subscribers[0]!.stripeCustomerId, 'cus_1');
  const row = world.subscriptions[0]!;
  assert.equal(row.stripeEventCreated?.getTime(), 5_000_000);
  assert.deepEqual(
    world.events.map((event) => event.eventId),
    [`subscription:${row.id}:1`, `access:${world.subscribers[0]!.id}:1`],
  );
  assert.deepEqual(world.locks, [
    'stripe-subscription:sub_1',
    `stripe-customer:${TENANT}:cus_1`,
    `subscriber-email:${TENANT}:fan@example.test`,
  ]);
});

test('the same state again only moves the last-applied time: unchanged, no events', async () => {
  const { world, emails, apply } = setup();
  emails.set('cus_1', 'fan@example.test');
  await apply(state(), 5_000);
  const outcome = await apply(state(), 6_000);
  assert.equal(outcome.outcome, 'unchanged');
  assert.equal(world.events.length, 2);
  assert.equal(world.subscriptions[0]!.version, 1);
  assert.equal(world.subscriptions[0]!.stripeEventCreated?.getTime(), 6_000_000);
});

test('an event not newer than the last applied one applies Stripe’s current state instead', async () => {
  const { world, current, emails, gateway, apply } = setup();
  emails.set('cus_1', 'fan@example.test');
  await apply(state({ status: 'past_due' }), 5_000);
  current.set('sub_1', state({ status: 'canceled', canceledAt: 4_000 }));
  // Same second as the applied one: unordered, so it must not be taken as-is.
  const outcome = await apply(state({ status: 'active' }), 5_000);
  assert.equal(outcome.outcome, 'applied');
  assert.equal(gateway.retrievals, 1);
  const row = world.subscriptions[0]!;
  assert.equal(row.status, 'canceled');
  assert.equal(row.pastDueSince, null);
  assert.equal(row.version, 2);
  assert.ok(row.stripeEventCreated!.getTime() >= 5_000_000, 'never moves back');
});

test('a fetched state as old as the last applied one is applied as-is; older is re-fetched', async () => {
  const { world, current, emails, gateway, apply } = setup();
  emails.set('cus_1', 'fan@example.test');
  await apply(state(), 5_000);
  await apply(state({ cancelAtPeriodEnd: true }), 5_000, 'fetched');
  assert.equal(gateway.retrievals, 0);
  assert.equal(world.subscriptions[0]!.cancelAtPeriodEnd, true);
  current.set('sub_1', state({ cancelAtPeriodEnd: true }));
  assert.equal((await apply(state(), 4_999, 'fetched')).outcome, 'unchanged');
  assert.equal(gateway.retrievals, 1);
});

test('past_due counts its grace from the current period start', async () => {
  const { world, emails, apply } = setup();
  emails.set('cus_1', 'fan@example.test');
  await apply(state({ status: 'past_due', currentPeriodStart: 1_234 }), 5_000);
  assert.equal(world.subscriptions[0]!.pastDueSince?.getTime(), 1_234_000);
});

test('unmapped states write nothing: unknown price, another Stripe account, no e-mail', async () => {
  const unknown = setup();
  assert.deepEqual(await unknown.apply(state({ priceId: 'price_x' }), 5_000), {
    outcome: 'unmapped',
    reason: 'no plan for price price_x',
  });
  const elsewhere = setup();
  elsewhere.world.plans[0]!.stripeAccountId = 'acct_other';
  assert.equal((await elsewhere.apply(state(), 5_000)).outcome, 'unmapped');
  const anonymous = setup();
  assert.deepEqual(await anonymous.apply(state(), 5_000), {
    outcome: 'unmapped',
    reason: 'customer has no e-mail to create a subscriber from',
  });
  for (const { world } of [unknown, elsewhere, anonymous]) {
    assert.deepEqual([world.subscriptions, world.subscribers, world.events], [[], [], []]);
  }
});

test('the plan id in the metadata maps a subscription whose price is unknown', async () => {
  const { world, emails, apply } = setup();
  emails.set('cus_1', 'fan@example.test');
  const outcome = await apply(state({ priceId: 'price_x', metadata: { planId: PLAN } }), 5_000);
  assert.equal(outcome.outcome, 'applied');
  assert.equal(world.subscriptions[0]!.planId, PLAN);
});

test('a subscriber named by checkout gets the customer linked, without asking Stripe for an e-mail', async () => {
  const { world, apply } = setup();
  const id = randomUUID();
  world.subscribers.push({ id, tenantId: TENANT, email: 'known@example.test', stripeCustomerId: null });
  const outcome = await apply(state({ metadata: { subscriberId: id } }), 5_000);
  assert.deepEqual(outcome, { outcome: 'applied', subscriberId: id, version: 1 });
  assert.equal(world.subscribers[0]!.stripeCustomerId, 'cus_1');
});

test('webhooks: ignored types open no transaction, duplicates apply nothing, checkout links by e-mail', async () => {
  const { world, current, gateway, store } = setup();
  const event = (id: string, type: string, object: unknown) => ({
    id,
    type,
    created: 5_000,
    data: { object },
  });
  assert.deepEqual(await processEvent(store, gateway, event('evt_0', 'customer.created', {})), {
    result: 'ignored',
  });
  assert.equal(world.transactions, 0);

  current.set('sub_1', state());
  const checkout = event('evt_1', 'checkout.session.completed', {
    id: 'cs_1',
    mode: 'subscription',
    customer: 'cus_1',
    subscription: 'sub_1',
    customer_details: { email: 'Buyer@Example.test' },
    metadata: { tenantId: TENANT },
  });
  const first = await processEvent(store, gateway, checkout);
  assert.equal(first.result, 'processed');
  assert.equal(world.subscribers[0]!.email, 'buyer@example.test');
  assert.deepEqual(await processEvent(store, gateway, checkout), { result: 'duplicate' });
  assert.equal(world.events.length, 2, 'the duplicate published nothing');
  assert.deepEqual(world.ledger, new Set(['evt_1']));
});

test('webhooks: a checkout for a tenant that is not on the platform account is unmapped', async () => {
  const { world, current, gateway, store } = setup();
  world.tenants[0]!.account = 'acct_1';
  current.set('sub_1', state());
  const result = await processEvent(store, gateway, {
    id: 'evt_2',
    type: 'checkout.session.completed',
    created: 5_000,
    data: {
      object: { id: 'cs_2', mode: 'subscription', subscription: 'sub_1', metadata: { tenantId: TENANT } },
    },
  });
  assert.deepEqual(result, {
    result: 'processed',
    outcome: { outcome: 'unmapped', reason: 'no tenant for checkout session' },
  });
  assert.deepEqual(world.subscribers, []);
});
