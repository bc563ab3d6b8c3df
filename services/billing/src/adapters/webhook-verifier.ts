import { errors } from '@gatehouse/errors';
import type Stripe from 'stripe';
import type { WebhookVerifier } from '../domain/stripe.port.ts';
import type { StripeEventLike } from '../domain/webhook-events.ts';

export type { WebhookVerifier } from '../domain/stripe.port.ts';

/**
 * Verifies a webhook with the SDK (default tolerance: 300 s) against every configured endpoint
 * secret in turn — during a secret rotation Stripe signs with both, and either must pass.
 */
export function createWebhookVerifier(stripe: Stripe, secrets: readonly string[]): WebhookVerifier {
  if (secrets.length === 0) throw new Error('at least one webhook secret is required');
  return {
    verify(rawBody, signature) {
      if (!signature) throw errors.badRequest('missing Stripe-Signature header');
      let lastError: unknown;
      for (const secret of secrets) {
        let event: Stripe.Event;
        try {
          event = stripe.webhooks.constructEvent(rawBody, signature, secret);
        } catch (error) {
          lastError = error;
          continue;
        }
        if (
          !event ||
          typeof event.id !== 'string' ||
          typeof event.type !== 'string' ||
          typeof event.created !== 'number'
        ) {
          throw errors.badRequest('webhook payload is not a Stripe event');
        }
        return event as unknown as StripeEventLike;
      }
      // A correctly signed body that is not JSON fails inside constructEvent with a SyntaxError.
      if (lastError instanceof SyntaxError) throw errors.badRequest('webhook payload is not valid JSON');
      const message = lastError instanceof Error ? lastError.message : '';
      if (/tolerance/i.test(message)) throw errors.badRequest('webhook timestamp outside the tolerance');
      throw errors.badRequest('webhook signature verification failed');
    },
  };
}
