import type { SubscriptionState } from './stripe-state.ts';
import type { StripeEventLike } from './webhook-events.ts';

/**
 * Everything billing asks of Stripe, behind one interface: the webhook path's re-fetches,
 * reconciliation's listing, and the creator API's product/price/session calls. `account` is the
 * tenant's connected account (`acct_…`), null for the platform account. Unit and property tests
 * replace it with a recorded-state double; integration tests use the real SDK against stripe-mock.
 */
export interface StripeGateway {
  retrieveSubscription(id: string, account: string | null): Promise<SubscriptionState>;
  retrieveCustomerEmail(id: string, account: string | null): Promise<string | null>;
  listSubscriptions(account: string | null): AsyncIterable<SubscriptionState>;
  createProductAndPrice(
    input: {
      name: string;
      description: string;
      amount: number;
      currency: string;
      interval: 'month' | 'year';
      planId: string;
      tenantId: string;
    },
    account: string | null,
  ): Promise<{ productId: string; priceId: string }>;
  createCheckoutSession(
    input: {
      priceId: string;
      successUrl: string;
      cancelUrl: string;
      customerEmail?: string;
      customerId?: string;
      clientReferenceId?: string;
      metadata: Record<string, string>;
    },
    account: string | null,
  ): Promise<{ id: string; url: string | null }>;
  createPortalSession(
    input: { customerId: string; returnUrl: string },
    account: string | null,
  ): Promise<{ id: string; url: string }>;
}

/**
 * Verifies a webhook's signature over its exact bytes and returns the event. Every failure is a
 * 400 (`@gatehouse/errors`) with a reason that reveals nothing about the secrets.
 */
export interface WebhookVerifier {
  verify(rawBody: Buffer, signature: string | undefined): StripeEventLike;
}
