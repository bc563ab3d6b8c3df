import type { ConnectAccountState } from './stripe.port.ts';
import {
  MalformedStripeObjectError,
  type SubscriptionState,
  subscriptionIdOfInvoice,
  toConnectAccountState,
  toSubscriptionState,
} from './stripe-state.ts';

/**
 * What billing does with each Stripe event type. Types not listed here are acknowledged (2xx, so
 * Stripe stops retrying) but neither recorded in the ledger nor published: the endpoint may be
 * subscribed to more types than we act on, and a ledger row for an event we never applied would
 * only hide it if we start handling that type later.
 */
export const SUBSCRIPTION_EVENT_TYPES = [
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'customer.subscription.paused',
  'customer.subscription.resumed',
] as const;
export const HANDLED_EVENT_TYPES: ReadonlySet<string> = new Set([
  ...SUBSCRIPTION_EVENT_TYPES,
  'checkout.session.completed',
  'invoice.payment_failed',
  'invoice.paid',
  'account.updated',
]);

/** The fields of a verified Stripe event billing reads. */
export interface StripeEventLike {
  id: string;
  type: string;
  created: number;
  account?: string | null | undefined;
  data: { object: unknown };
}

export type WebhookAction =
  /** The event carries the subscription: apply it (or a re-fetch if it is not newer). */
  | { kind: 'subscription'; state: SubscriptionState }
  /** Link customer and subscriber, then apply the re-fetched subscription. */
  | {
      kind: 'checkout';
      sessionId: string;
      customerId: string | null;
      subscriptionId: string | null;
      email: string | null;
      clientReferenceId: string | null;
      metadata: Record<string, string>;
    }
  /** An invoice changed the payment state: re-fetch its subscription and apply it. */
  | { kind: 'refetch'; subscriptionId: string }
  /** A connected account changed (Connect event): store whether it can take payments. */
  | { kind: 'account'; state: ConnectAccountState }
  /** Handled type without anything to do (a one-off payment's invoice, a non-subscription checkout). */
  | { kind: 'none' };

type Loose = Record<string, unknown>;
const str = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : null);
const idOf = (value: unknown) =>
  str(value) ?? (value && typeof value === 'object' ? str((value as Loose).id) : null);

/** Maps a handled event to its action. Throws MalformedStripeObjectError for an unusable object. */
export function actionOf(event: StripeEventLike): WebhookAction {
  if ((SUBSCRIPTION_EVENT_TYPES as readonly string[]).includes(event.type)) {
    return { kind: 'subscription', state: toSubscriptionState(event.data.object) };
  }
  const object = event.data.object as Loose | null;
  if (!object || typeof object !== 'object') throw new MalformedStripeObjectError('event object missing');
  if (event.type === 'checkout.session.completed') {
    if (object.mode !== 'subscription') return { kind: 'none' };
    const details = object.customer_details as Loose | null | undefined;
    const metadata: Record<string, string> = {};
    for (const [key, value] of Object.entries((object.metadata as Loose | null) ?? {})) {
      if (typeof value === 'string') metadata[key] = value;
    }
    const sessionId = str(object.id);
    if (!sessionId) throw new MalformedStripeObjectError('checkout session id missing');
    return {
      kind: 'checkout',
      sessionId,
      customerId: idOf(object.customer),
      subscriptionId: idOf(object.subscription),
      email: str(details?.email) ?? str(object.customer_email),
      clientReferenceId: str(object.client_reference_id),
      metadata,
    };
  }
  if (event.type === 'account.updated') {
    const state = toConnectAccountState(object);
    // A Connect event names its account; one naming another account than its object is not ours to apply.
    if (event.account && event.account !== state.accountId)
      throw new MalformedStripeObjectError('account event for another account');
    return { kind: 'account', state };
  }
  if (event.type === 'invoice.payment_failed' || event.type === 'invoice.paid') {
    const subscriptionId = subscriptionIdOfInvoice(object);
    return subscriptionId ? { kind: 'refetch', subscriptionId } : { kind: 'none' };
  }
  return { kind: 'none' };
}

/**
 * The ordering rule: an event is applied as-is only when it is strictly newer than the last one
 * applied to the subscription. Older or same-second events (Stripe's `created` has one-second
 * resolution, so two changes in one second are unordered) re-fetch the subscription from Stripe.
 */
export function needsRefetch(lastAppliedCreated: Date | null, eventCreated: number): boolean {
  if (lastAppliedCreated === null) return false;
  return eventCreated * 1000 <= lastAppliedCreated.getTime();
}
