import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAppError } from '@gatehouse/errors';
import type { CheckoutRepository, PlanForSale, SellingTenant } from './checkout.port.ts';
import { createCheckoutService } from './checkout.ts';
import type { StripeGateway } from './stripe.port.ts';

// Checkout and portal rules over in-memory doubles of the repository and Stripe ports.

const platform: SellingTenant = {
  id: 't1',
  slug: 'alice',
  active: true,
  stripeAccountId: null,
  chargesEnabled: false,
  applicationFeeBps: 0,
};
const plan: PlanForSale = {
  id: 'p1',
  stripePriceId: 'price_1',
  active: true,
  trialDays: 0,
  allowPromotionCodes: false,
};

function setup(options: { tenant?: Partial<SellingTenant>; plan?: Partial<PlanForSale> } = {}) {
  const tenant = { ...platform, ...options.tenant };
  const plans = [{ ...plan, ...options.plan }];
  const calls: { method: string; account: string | null; input: unknown }[] = [];
  const repository: CheckoutRepository = {
    findTenantById: async (id) => (id === tenant.id ? tenant : null),
    findTenantBySlug: async (slug) => (slug === tenant.slug ? tenant : null),
    findPlan: async (_tenantId, planId) => plans.find((candidate) => candidate.id === planId) ?? null,
    showExists: async (_tenantId, slug) => slug === 'daily' || slug === 'weekly',
    defaultShowSlug: async () => 'daily',
    findSubscriber: async (_tenantId, id) =>
      id === 's1' || id === 's2'
        ? { id, email: 'fan@example.test', stripeCustomerId: id === 's2' ? 'cus_2' : null }
        : null,
  };
  const record = (method: string, answer: unknown) => async (input: unknown, account: string | null) => {
    calls.push({ method, account, input });
    return answer;
  };
  const gateway = {
    createCheckoutSession: record('checkout', { id: 'cs_1', url: 'https://checkout.test/cs_1' }),
    createPortalSession: record('portal', { id: 'bps_1', url: 'https://portal.test' }),
  } as unknown as StripeGateway;
  const service = createCheckoutService({ repository, gateway, publicBaseUrl: 'https://edge.test' });
  return { service, calls };
}

const failsWith = (status: number, reason?: string) => (error: unknown) =>
  isAppError(error) && error.status === status && (reason === undefined || error.details?.reason === reason);

test('checkout returns to the tenant welcome page and the plan show; names the subscriber', async () => {
  const { service, calls } = setup();
  await service.createCheckoutSession('t1', { planId: 'p1', subscriberId: 's1' });
  assert.deepEqual(calls[0], {
    method: 'checkout',
    account: null,
    input: {
      priceId: 'price_1',
      successUrl: 'https://edge.test/listen/alice/welcome?session_id={CHECKOUT_SESSION_ID}',
      cancelUrl: 'https://edge.test/listen/alice/daily',
      customerEmail: 'fan@example.test',
      clientReferenceId: 's1',
      metadata: { tenantId: 't1', planId: 'p1', subscriberId: 's1' },
    },
  });
  await assert.rejects(
    service.createCheckoutSession('t1', { planId: 'nope' }),
    failsWith(404, 'plan_not_found'),
  );
  await assert.rejects(service.createPortalSession('t1', { subscriberId: 's1' }), failsWith(409));
});

test('public checkout: trial, promotion codes and the application fee come from the plan and the tenant', async () => {
  const { service, calls } = setup({
    tenant: { stripeAccountId: 'acct_1', chargesEnabled: true, applicationFeeBps: 250 },
    plan: { trialDays: 14, allowPromotionCodes: true },
  });
  await service.createPublicCheckout({
    tenantSlug: 'alice',
    planId: 'p1',
    email: 'a@b.test',
    showSlug: 'weekly',
  });
  assert.deepEqual(calls[0], {
    method: 'checkout',
    account: 'acct_1',
    input: {
      priceId: 'price_1',
      successUrl: 'https://edge.test/listen/alice/welcome?session_id={CHECKOUT_SESSION_ID}',
      cancelUrl: 'https://edge.test/listen/alice/weekly',
      customerEmail: 'a@b.test',
      metadata: { tenantId: 't1', planId: 'p1' },
      trialDays: 14,
      allowPromotionCodes: true,
      applicationFeePercent: 2.5,
    },
  });
});

test('public checkout refusals carry a reason; nothing reaches Stripe', async () => {
  const cases: [
    ReturnType<typeof setup>,
    Parameters<ReturnType<typeof setup>['service']['createPublicCheckout']>[0],
    number,
    string,
  ][] = [
    [setup(), { tenantSlug: 'bob', planId: 'p1' }, 404, 'tenant_not_found'],
    [setup({ tenant: { active: false } }), { tenantSlug: 'alice', planId: 'p1' }, 404, 'tenant_not_found'],
    [setup(), { tenantSlug: 'alice', planId: 'p2' }, 404, 'plan_not_found'],
    [setup(), { tenantSlug: 'alice', planId: 'p1', showSlug: 'nope' }, 404, 'show_not_found'],
    [setup({ plan: { active: false } }), { tenantSlug: 'alice', planId: 'p1' }, 409, 'plan_archived'],
    [
      setup({ tenant: { stripeAccountId: 'acct_1', chargesEnabled: false } }),
      { tenantSlug: 'alice', planId: 'p1' },
      409,
      'payments_not_enabled',
    ],
  ];
  for (const [{ service, calls }, input, status, reason] of cases) {
    await assert.rejects(service.createPublicCheckout(input), failsWith(status, reason), reason);
    assert.deepEqual(calls, [], reason);
  }
});

test('the portal returns to the listener account page; unknown subscriber 404', async () => {
  const { service, calls } = setup();
  await service.createPortalSession('t1', { subscriberId: 's2' });
  assert.deepEqual(calls[0], {
    method: 'portal',
    account: null,
    input: { customerId: 'cus_2', returnUrl: 'https://edge.test/listen/alice/account' },
  });
  await assert.rejects(service.createPortalSession('t1', { subscriberId: 'nope' }), failsWith(404));
});
