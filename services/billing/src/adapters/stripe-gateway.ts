import Stripe from 'stripe';
import type { StripeGateway } from '../domain/stripe.port.ts';
import { toSubscriptionState } from '../domain/stripe-state.ts';

export type { StripeGateway } from '../domain/stripe.port.ts';

export interface StripeClientSettings {
  STRIPE_SECRET_KEY: string;
  STRIPE_API_HOST?: string | undefined;
  STRIPE_API_PORT?: number | undefined;
  STRIPE_API_PROTOCOL?: 'http' | 'https' | undefined;
}

/** The SDK client; host/port/protocol only point it at stripe-mock. */
export function createStripeClient(settings: StripeClientSettings): Stripe {
  return new Stripe(settings.STRIPE_SECRET_KEY, {
    maxNetworkRetries: 2,
    timeout: 10_000,
    ...(settings.STRIPE_API_HOST ? { host: settings.STRIPE_API_HOST } : {}),
    ...(settings.STRIPE_API_PORT ? { port: settings.STRIPE_API_PORT } : {}),
    ...(settings.STRIPE_API_PROTOCOL ? { protocol: settings.STRIPE_API_PROTOCOL } : {}),
  });
}

const on = (account: string | null) => (account ? { stripeAccount: account } : undefined);

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
      const price = await stripe.prices.create(
        {
          product: product.id,
          unit_amount: input.amount,
          currency: input.currency,
          recurring: { interval: input.interval },
          metadata: { planId: input.planId, tenantId: input.tenantId },
        },
        { ...on(account), idempotencyKey: `gh-plan-price-${input.planId}` },
      );
      return { productId: product.id, priceId: price.id };
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
          metadata: input.metadata,
          subscription_data: { metadata: input.metadata },
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
  };
}
