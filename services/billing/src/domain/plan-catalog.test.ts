import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAppError } from '@gatehouse/errors';
import type { NewPlan, PlanCatalogRepository, PlanWriter } from './plan-catalog.port.ts';
import { createPlanCatalog } from './plan-catalog.ts';
import type { StripeGateway } from './stripe.port.ts';

// The creators' plan and session rules over in-memory doubles of the repository and Stripe ports.

const TENANT = { id: 't1', stripeAccountId: 'acct_1' };
const input = {
  name: 'Gold',
  description: '',
  amount: 500,
  currency: 'EUR',
  interval: 'month' as const,
  showIds: ['show-1', 'show-1'],
  episodeIds: [],
};

function setup(stripe: Partial<StripeGateway> = {}) {
  const inserted: NewPlan[] = [];
  const events: string[] = [];
  const calls: { method: string; account: string | null; input: unknown }[] = [];
  let transactions = 0;
  const writer: PlanWriter = {
    async insertPlan(plan) {
      inserted.push(plan);
      return { ...plan, active: true };
    },
    async planGrants(planId) {
      return { planId, tenantId: 't1', version: 3, showIds: [], episodeIds: [] } as never;
    },
    async enqueue(_subject, payload) {
      events.push(payload.eventId);
    },
  };
  const repository: PlanCatalogRepository = {
    async withTransaction(work) {
      transactions++;
      return work(writer);
    },
    async countOwned(_tenantId, ids) {
      return { shows: ids.showIds.filter((id) => id.startsWith('show-')).length, episodes: 0 };
    },
    async listPlans() {
      return [];
    },
    async findPlan(_tenantId, planId) {
      return planId === 'p1' ? { id: 'p1', stripePriceId: 'price_1', active: true } : null;
    },
    async findSubscriber(_tenantId, subscriberId) {
      return subscriberId === 's1' ? { id: 's1', email: 'fan@example.test', stripeCustomerId: null } : null;
    },
  };
  const record = (method: string, answer: unknown) => async (body: unknown, account: string | null) => {
    calls.push({ method, account, input: body });
    return answer;
  };
  const gateway = {
    createProductAndPrice: record('product', { productId: 'prod_1', priceId: 'price_1' }),
    createCheckoutSession: record('checkout', { id: 'cs_1', url: 'https://checkout.test/cs_1' }),
    createPortalSession: record('portal', { id: 'bps_1', url: 'https://portal.test' }),
    ...stripe,
  } as StripeGateway;
  const catalog = createPlanCatalog({ repository, gateway, publicBaseUrl: 'https://edge.test' });
  return { catalog, inserted, events, calls, transactions: () => transactions };
}

const status = (expected: number) => (error: unknown) => isAppError(error) && error.status === expected;

test('a plan goes to Stripe first, then row and plan.changed in one transaction (grants deduplicated)', async () => {
  const { catalog, inserted, events, calls } = setup();
  const plan = await catalog.createPlan(TENANT, input);
  assert.equal(calls[0]!.method, 'product');
  assert.equal(calls[0]!.account, 'acct_1');
  assert.equal((calls[0]!.input as { currency: string }).currency, 'eur');
  assert.deepEqual(inserted[0]!.showIds, ['show-1']);
  assert.equal(plan.stripePriceId, 'price_1');
  assert.deepEqual(events, [`plan:${plan.id}:3`]);
});

test('an ungranted show is a 422 before Stripe; a Stripe failure is a 503 with nothing written', async () => {
  const foreign = setup();
  await assert.rejects(foreign.catalog.createPlan(TENANT, { ...input, showIds: ['other'] }), status(422));
  assert.deepEqual(foreign.calls, []);
  const down = setup({
    createProductAndPrice: async () => {
      throw new Error('stripe down');
    },
  });
  await assert.rejects(down.catalog.createPlan(TENANT, input), status(503));
  assert.equal(down.transactions(), 0);
});

test('checkout names the subscriber and the return pages; unknown plan 404, no customer for the portal 409', async () => {
  const { catalog, calls } = setup();
  await catalog.createCheckoutSession(TENANT, { planId: 'p1', subscriberId: 's1' });
  assert.deepEqual(calls[0], {
    method: 'checkout',
    account: 'acct_1',
    input: {
      priceId: 'price_1',
      successUrl: 'https://edge.test/portal/welcome?session_id={CHECKOUT_SESSION_ID}',
      cancelUrl: 'https://edge.test/portal',
      customerEmail: 'fan@example.test',
      clientReferenceId: 's1',
      metadata: { tenantId: 't1', planId: 'p1', subscriberId: 's1' },
    },
  });
  await assert.rejects(catalog.createCheckoutSession(TENANT, { planId: 'nope' }), status(404));
  await assert.rejects(catalog.createPortalSession(TENANT, { subscriberId: 's1' }), status(409));
});
