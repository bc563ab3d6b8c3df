import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAppError } from '@gatehouse/errors';
import type {
  NewPlan,
  PlanCatalogRepository,
  PlanChanges,
  PlanView,
  PlanWriter,
} from './plan-catalog.port.ts';
import { createPlanCatalog } from './plan-catalog.ts';
import type { StripeGateway } from './stripe.port.ts';

// The creators' plan rules over in-memory doubles of the repository and Stripe ports.

const TENANT = { id: 't1', stripeAccountId: 'acct_1' };
const input = {
  name: 'Gold',
  description: '',
  amount: 500,
  currency: 'EUR',
  interval: 'month' as const,
  trialDays: 7,
  allowPromotionCodes: true,
  showIds: ['show-1', 'show-1'],
  episodeIds: [],
};

function setup(stripe: Partial<StripeGateway> = {}) {
  const plans = new Map<string, PlanView>();
  const inserted: NewPlan[] = [];
  const updates: PlanChanges[] = [];
  const events: string[] = [];
  const calls: { method: string; account: string | null; input: unknown }[] = [];
  let grantsVersion = 3;
  let transactions = 0;
  const writer: PlanWriter = {
    async insertPlan(plan) {
      inserted.push(plan);
      const { tenantId: _, ...view } = plan;
      const stored = { ...view, active: true, archivedAt: null };
      plans.set(plan.id, stored);
      return stored;
    },
    async lockPlan(_tenantId, planId) {
      return plans.get(planId) ?? null;
    },
    async updatePlan(planId, { price, archived, ...columns }) {
      updates.push({ price, archived, ...columns } as PlanChanges);
      const plan = plans.get(planId)!;
      Object.assign(plan, columns, price ? { ...price } : {}, archived ? { active: false } : {});
    },
    async replaceGrants(planId, grants) {
      grantsVersion++;
      Object.assign(plans.get(planId)!, grants);
    },
    async planGrants(planId) {
      return { planId, tenantId: 't1', version: grantsVersion, showIds: [], episodeIds: [] } as never;
    },
    async readPlan(planId) {
      return { ...plans.get(planId)! };
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
      return [...plans.values()];
    },
    async getPlan(_tenantId, planId) {
      const plan = plans.get(planId);
      return plan ? { ...plan } : null;
    },
  };
  const record =
    (method: string, answer: unknown) =>
    async (...args: unknown[]) => {
      calls.push({ method, account: (args.at(-1) as string | null) ?? null, input: args.slice(0, -1) });
      return answer;
    };
  const gateway = {
    createProductAndPrice: record('product', { productId: 'prod_1', priceId: 'price_1' }),
    updateProduct: record('updateProduct', undefined),
    createPrice: record('price', { priceId: 'price_2' }),
    deactivatePrice: record('deactivate', undefined),
    ...stripe,
  } as StripeGateway;
  const cleanupFailures: unknown[] = [];
  const catalog = createPlanCatalog({
    repository,
    gateway,
    onCleanupFailed: (error) => cleanupFailures.push(error),
  });
  return {
    catalog,
    plans,
    inserted,
    updates,
    events,
    calls,
    cleanupFailures,
    transactions: () => transactions,
  };
}

const status = (expected: number) => (error: unknown) => isAppError(error) && error.status === expected;

test('a plan goes to Stripe first, then row and plan.changed in one transaction (grants deduplicated)', async () => {
  const { catalog, inserted, events, calls } = setup();
  const plan = await catalog.createPlan(TENANT, input);
  assert.equal(calls[0]!.method, 'product');
  assert.equal(calls[0]!.account, 'acct_1');
  assert.equal((calls[0]!.input as [{ currency: string }])[0].currency, 'eur');
  assert.deepEqual(inserted[0]!.showIds, ['show-1']);
  assert.equal(inserted[0]!.trialDays, 7);
  assert.equal(inserted[0]!.allowPromotionCodes, true);
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

test('a price change makes a new Stripe price and retires the old one; a rename updates the product', async () => {
  const s = setup();
  const plan = await s.catalog.createPlan(TENANT, input);
  s.calls.length = 0;
  const edited = await s.catalog.updatePlan(TENANT, plan.id, { amount: 900, name: 'Platinum' });
  assert.deepEqual(
    s.calls.map((call) => call.method),
    ['updateProduct', 'price', 'deactivate'],
  );
  assert.deepEqual(s.calls[1]!.input, [
    { productId: 'prod_1', amount: 900, currency: 'eur', interval: 'month', planId: plan.id, tenantId: 't1' },
  ]);
  assert.deepEqual(s.calls[2]!.input, ['price_1'], 'the replaced price is taken off sale');
  assert.equal(edited.stripePriceId, 'price_2');
  assert.equal(edited.amount, 900);
  assert.equal(edited.name, 'Platinum');
  assert.deepEqual(s.events, [`plan:${plan.id}:3`], 'grants untouched: no plan.changed event');
});

test('trial and promotion codes alone touch no Stripe object; grants given publish plan.changed', async () => {
  const s = setup();
  const plan = await s.catalog.createPlan(TENANT, input);
  s.calls.length = 0;
  const edited = await s.catalog.updatePlan(TENANT, plan.id, { trialDays: 0, allowPromotionCodes: false });
  assert.deepEqual(s.calls, []);
  assert.equal(edited.trialDays, 0);
  assert.equal(edited.allowPromotionCodes, false);
  await s.catalog.updatePlan(TENANT, plan.id, { showIds: ['show-2', 'show-3'] });
  assert.deepEqual(s.plans.get(plan.id)!.showIds, ['show-2', 'show-3']);
  assert.deepEqual(s.events, [`plan:${plan.id}:3`, `plan:${plan.id}:4`]);
  await assert.rejects(s.catalog.updatePlan(TENANT, plan.id, { showIds: ['foreign'] }), status(422));
  await assert.rejects(s.catalog.updatePlan(TENANT, 'nope', { name: 'x' }), status(404));
});

test('archiving takes the plan and its price off sale once; a failed price retirement is reported, not fatal', async () => {
  const s = setup({
    deactivatePrice: async () => {
      throw new Error('stripe down');
    },
  });
  const plan = await s.catalog.createPlan(TENANT, input);
  const archived = await s.catalog.archivePlan(TENANT, plan.id);
  assert.equal(archived.active, false);
  assert.equal(s.cleanupFailures.length, 1);
  const again = await s.catalog.archivePlan(TENANT, plan.id);
  assert.equal(again.active, false);
  assert.equal(s.cleanupFailures.length, 1, 'archiving twice does not call Stripe again');
  assert.equal(s.updates.filter((update) => update.archived).length, 1);
  await assert.rejects(s.catalog.archivePlan(TENANT, 'nope'), status(404));
});
