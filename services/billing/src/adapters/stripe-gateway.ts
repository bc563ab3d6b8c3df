import Stripe from 'stripe';
import type { PriceTerms, StripeGateway } from '../domain/stripe.port.ts';
import { toConnectAccountState, toSubscriptionState } from '../domain/stripe-state.ts';

export type { StripeGateway } from '../domain/stripe.port.ts';

export interface StripeClientSettings {
  STRIPE_SECRET_KEY: string;
  STRIPE_API_HOST?: string | undefined;
  STRIPE_API_PORT?: number | undefined;
  STRIPE_API_PROTOCOL?: 'http' | 'https' | undefined;
}

/**
 * The SDK client; host/port/protocol only point it at stripe-mock. `httpClient` replaces the SDK's
 * transport (integration tests wrap the real one to see the exact requests billing sends).
 */
export function createStripeClient(
  settings: StripeClientSettings,
  httpClient?: ReturnType<typeof Stripe.createNodeHttpClient>,
): Stripe {
  return new Stripe(settings.STRIPE_SECRET_KEY, {
    maxNetworkRetries: 2,
    timeout: 10_000,
    ...(httpClient ? { httpClient } : {}),
    ...(settings.STRIPE_API_HOST ? { host: settings.STRIPE_API_HOST } : {}),
    ...(settings.STRIPE_API_PORT ? { port: settings.STRIPE_API_PORT } : {}),
    ...(settings.STRIPE_API_PROTOCOL ? { protocol: settings.STRIPE_API_PROTOCOL } : {}),
  });
}

const on = (account: string | null) => (account ? { stripeAccount: account } : undefined);

const priceParams = (product: string, terms: PriceTerms): Stripe.PriceCreateParams => ({
  product,
  unit_amount: terms.amount,
  currency: terms.currency,
  recurring: { interval: terms.interval },
  metadata: { planId: terms.planId, tenantId: terms.tenantId },
});

/** The gateway over the Stripe SDK (the domain's `StripeGateway` port). */
export function createStripeGateway(stripe: Stripe): StripeGateway {
  return {
    async retrieveSubscription(id, account) {
      return toSubscriptionState(await stripe.subscriptions.retrieve(id, {}, on(account)));
    },
    async retrieveCustomerEmail(id, account) {
      const customer = await stripe.customers.retrieve(id, {}, on(account));
      return 'deleted' in customer && customer.deleted ? null : (customer.email ?? null);
    },
    async *listSubscriptions(account) {
      // status 'all' includes canceled ones: a missed deletion must be repaired too.
      for await (const subscription of stripe.subscriptions.list(
        { status: 'all', limit: 100 },
        on(account),
      )) {
        yield toSubscriptionState(subscription);
      }
    },
    async createProductAndPrice(input, account) {
      // Idempotency keys tie retries of this call to the plan, so a timeout never makes two products.
      const product = await stripe.products.create(
        {
          name: input.name,
          description: input.description || undefined,
          metadata: { planId: input.planId, tenantId: input.tenantId },
        },
        { ...on(account), idempotencyKey: `gh-plan-product-${input.planId}` },
      );
      const price = await stripe.prices.create(priceParams(product.id, input), {
        ...on(account),
        idempotencyKey: `gh-plan-price-${input.planId}`,
      });
      return { productId: product.id, priceId: price.id };
    },
    async updateProduct(productId, input, account) {
      // An empty string clears Stripe's description (undefined would leave the old one).
      await stripe.products.update(
        productId,
        { name: input.name, description: input.description },
        on(account),
      );
    },
    async createPrice(input, account) {
      // No idempotency key of our own: the SDK adds one that its retries of this call reuse.
      const price = await stripe.prices.create(priceParams(input.productId, input), on(account));
      return { priceId: price.id };
    },
    async deactivatePrice(priceId, account) {
      await stripe.prices.update(priceId, { active: false }, on(account));
    },
    async createCheckoutSession(input, account) {
      const session = await stripe.checkout.sessions.create(
        {
          mode: 'subscription',
          line_items: [{ price: input.priceId, quantity: 1 }],
          success_url: input.successUrl,
          cancel_url: input.cancelUrl,
          ...(input.customerId
            ? { customer: input.customerId }
            : input.customerEmail
              ? { customer_email: input.customerEmail }
              : {}),
          ...(input.clientReferenceId ? { client_reference_id: input.clientReferenceId } : {}),
          ...(input.allowPromotionCodes ? { allow_promotion_codes: true } : {}),
          metadata: input.metadata,
          subscription_data: {
            metadata: input.metadata,
            ...(input.trialDays ? { trial_period_days: input.trialDays } : {}),
            ...(input.applicationFeePercent ? { application_fee_percent: input.applicationFeePercent } : {}),
          },
        },
        on(account),
      );
      return { id: session.id, url: session.url ?? null };
    },
    async createPortalSession(input, account) {
      const session = await stripe.billingPortal.sessions.create(
        { customer: input.customerId, return_url: input.returnUrl },
        on(account),
      );
      return { id: session.id, url: session.url };
    },
    async createConnectedAccount(input) {
      const account = await stripe.accounts.create(
        {
          type: 'express',
          ...(input.email ? { email: input.email } : {}),
          capabilities: { card_payments: { requested: true }, transfers: { requested: true } },
          metadata: { tenantId: input.tenantId },
        },
        // Two clicks racing (or a retry after a timeout) get the same account, not two.
        { idempotencyKey: `gh-connect-account-${input.tenantId}` },
      );
      return { accountId: account.id };
    },
    async createAccountLink(input) {
      const link = await stripe.accountLinks.create({
        account: input.accountId,
        refresh_url: input.refreshUrl,
        return_url: input.returnUrl,
        type: 'account_onboarding',
      });
      return { url: link.url, expiresAt: link.expires_at };
    },
    async retrieveAccount(accountId) {
      return toConnectAccountState(await stripe.accounts.retrieve(accountId));
    },
  };
}
