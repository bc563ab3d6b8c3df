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
    input: PriceTerms & { name: string; description: string },
    account: string | null,
  ): Promise<{ productId: string; priceId: string }>;
  /** Renames / re-describes a plan's product (prices carry no name). */
  updateProduct(
    productId: string,
    input: { name: string; description: string },
    account: string | null,
  ): Promise<void>;
  /** A new price on an existing product (Stripe prices are immutable: a price change makes one). */
  createPrice(
    input: PriceTerms & { productId: string },
    account: string | null,
  ): Promise<{ priceId: string }>;
  /** Takes a price off sale; subscriptions already on it keep renewing at it. */
  deactivatePrice(priceId: string, account: string | null): Promise<void>;
  createCheckoutSession(
    input: {
      priceId: string;
      successUrl: string;
      cancelUrl: string;
      customerEmail?: string;
      customerId?: string;
      clientReferenceId?: string;
      metadata: Record<string, string>;
      /** Free trial of the subscription, in days (0 or absent: none). */
      trialDays?: number;
      /** Shows the promotion code field. */
      allowPromotionCodes?: boolean;
      /** The platform's share of each invoice, in percent (connected accounts only). */
      applicationFeePercent?: number;
    },
    account: string | null,
  ): Promise<{ id: string; url: string | null }>;
  createPortalSession(
    input: { customerId: string; returnUrl: string },
    account: string | null,
  ): Promise<{ id: string; url: string }>;
  /** Creates the tenant's Express connected account; the same `tenantId` never makes two (idempotency key). */
  createConnectedAccount(input: { tenantId: string; email?: string }): Promise<{ accountId: string }>;
  /** A one-time onboarding link (Account Links) for a connected account. */
  createAccountLink(input: {
    accountId: string;
    refreshUrl: string;
    returnUrl: string;
  }): Promise<{ url: string; expiresAt: number }>;
  retrieveAccount(accountId: string): Promise<ConnectAccountState>;
}

/** A plan's recurring price, and the plan and tenant it belongs to (kept in Stripe's metadata). */
export interface PriceTerms {
  amount: number;
  currency: string;
  interval: 'month' | 'year';
  planId: string;
  tenantId: string;
}

/** The fields of a connected account billing keeps (from `account.updated` or a retrieve). */
export interface ConnectAccountState {
  accountId: string;
  chargesEnabled: boolean;
  detailsSubmitted: boolean;
}

/**
 * Verifies a webhook's signature over its exact bytes and returns the event. Every failure is a
 * 400 (`@gatehouse/errors`) with a reason that reveals nothing about the secrets.
 */
export interface WebhookVerifier {
  verify(rawBody: Buffer, signature: string | undefined): StripeEventLike;
}
