import { randomBytes } from 'node:crypto';

/**
 * Stripe webhook bodies for tests that drive billing's webhook route (billing's own tests and
 * auth's revocation pipeline). The state is structural so testkit needs no service import:
 * billing's `SubscriptionState` fits it.
 */
export interface StripeSubscriptionFixture {
  id: string;
  customerId: string;
  status: string;
  priceId: string | null;
  currentPeriodStart: number | null;
  currentPeriodEnd: number | null;
  cancelAtPeriodEnd: boolean;
  canceledAt: number | null;
  metadata: Record<string, string>;
}

/** A Stripe subscription object as it appears inside an event (2025+ API: periods on items). */
export function subscriptionObject(state: StripeSubscriptionFixture) {
  return {
    id: state.id,
    object: 'subscription',
    customer: state.customerId,
    status: state.status,
    cancel_at_period_end: state.cancelAtPeriodEnd,
    canceled_at: state.canceledAt,
    metadata: state.metadata,
    items: {
      object: 'list',
      data: [
        {
          id: `si_${state.id.slice(4)}`,
          object: 'subscription_item',
          price: { id: state.priceId, object: 'price' },
          current_period_start: state.currentPeriodStart,
          current_period_end: state.currentPeriodEnd,
        },
      ],
    },
  };
}

/** A Stripe event around `object` (fresh `evt_` id and `created` = now unless given). */
export function stripeEvent(
  type: string,
  object: unknown,
  options: { created?: number; account?: string; id?: string } = {},
) {
  return {
    id: options.id ?? `evt_${randomBytes(12).toString('hex')}`,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: options.created ?? Math.floor(Date.now() / 1000),
    livemode: false,
    type,
    ...(options.account ? { account: options.account } : {}),
    data: { object },
  };
}
