import Stripe from 'stripe';
import type { StripePortalGateway } from '../domain/portal-service.ts';

export interface StripeSettings {
  secretKey: string;
  host?: string | undefined;
  port?: number | undefined;
  protocol?: 'http' | 'https' | undefined;
}

/** Checkout Session lookups and Customer Portal sessions (Stripe, or stripe-mock in tests). */
export function createStripePortalGateway(settings: StripeSettings): StripePortalGateway {
  const stripe = new Stripe(settings.secretKey, {
    maxNetworkRetries: 1,
    timeout: 10_000,
    ...(settings.host ? { host: settings.host } : {}),
    ...(settings.port ? { port: settings.port } : {}),
    ...(settings.protocol ? { protocol: settings.protocol } : {}),
  });
  const options = (stripeAccount: string | undefined) => (stripeAccount ? { stripeAccount } : undefined);
  return {
    async retrieveCheckoutSession(sessionId, stripeAccount) {
      const session = await stripe.checkout.sessions.retrieve(sessionId, {}, options(stripeAccount));
      const customer =
        typeof session.customer === 'string' ? session.customer : (session.customer?.id ?? null);
      return { customer, status: session.status, created: session.created };
    },
    async createBillingPortalSession(customer, returnUrl, stripeAccount) {
      const session = await stripe.billingPortal.sessions.create(
        { customer, return_url: returnUrl },
        options(stripeAccount),
      );
      return session.url;
    },
  };
}
