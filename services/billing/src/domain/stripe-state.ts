import type { StripeSubscriptionStatus } from '@gatehouse/access-snapshot';
import type { ConnectAccountState } from './stripe.port.ts';

/**
 * The subset of a Stripe subscription that billing acts on, independent of the SDK's types and
 * of Stripe API versions (since 2025-03-31 the period fields live on the subscription items).
 * Times are unix seconds, like Stripe's.
 */
export interface SubscriptionState {
  id: string;
  customerId: string;
  status: StripeSubscriptionStatus;
  priceId: string | null;
  currentPeriodStart: number | null;
  currentPeriodEnd: number | null;
  cancelAtPeriodEnd: boolean;
  canceledAt: number | null;
  metadata: Record<string, string>;
}

const STATUSES = new Set<StripeSubscriptionStatus>([
  'incomplete',
  'incomplete_expired',
  'trialing',
  'active',
  'past_due',
  'canceled',
  'unpaid',
  'paused',
]);

type Loose = Record<string, unknown>;
const idOf = (value: unknown): string | null =>
  typeof value === 'string'
    ? value
    : value && typeof value === 'object' && typeof (value as Loose).id === 'string'
      ? ((value as Loose).id as string)
      : null;
const num = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

/** Thrown for an object that is not a usable subscription (the webhook answers 400, nothing is recorded). */
export class MalformedStripeObjectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedStripeObjectError';
  }
}

/** Reads a Stripe subscription object (from an event or the API) into a `SubscriptionState`. */
export function toSubscriptionState(object: unknown): SubscriptionState {
  if (!object || typeof object !== 'object')
    throw new MalformedStripeObjectError('subscription is not an object');
  const sub = object as Loose;
  const id = sub.id;
  const customerId = idOf(sub.customer);
  const status = sub.status as StripeSubscriptionStatus;
  if (typeof id !== 'string' || !id.startsWith('sub_'))
    throw new MalformedStripeObjectError('subscription id missing');
  if (!customerId) throw new MalformedStripeObjectError('subscription customer missing');
  if (!STATUSES.has(status))
    throw new MalformedStripeObjectError(`unknown subscription status ${String(status)}`);
  const items = ((sub.items as Loose | undefined)?.data as Loose[] | undefined) ?? [];
  const first = items[0];
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries((sub.metadata as Loose | null) ?? {})) {
    if (typeof value === 'string') metadata[key] = value;
  }
  return {
    id,
    customerId,
    status,
    priceId: idOf(first?.price),
    currentPeriodStart: num(first?.current_period_start) ?? num(sub.current_period_start),
    currentPeriodEnd: num(first?.current_period_end) ?? num(sub.current_period_end),
    cancelAtPeriodEnd: sub.cancel_at_period_end === true,
    canceledAt: num(sub.canceled_at),
    metadata,
  };
}

/** The subscription an invoice belongs to (field moved under `parent` in 2025 API versions). */
export function subscriptionIdOfInvoice(object: unknown): string | null {
  if (!object || typeof object !== 'object') return null;
  const invoice = object as Loose;
  const direct = idOf(invoice.subscription);
  if (direct) return direct;
  const details = (invoice.parent as Loose | null | undefined)?.subscription_details as
    | Loose
    | null
    | undefined;
  return idOf(details?.subscription);
}

/** Reads a Stripe account object (an `account.updated` event's or a retrieved one) into its Connect state. */
export function toConnectAccountState(object: unknown): ConnectAccountState {
  if (!object || typeof object !== 'object') throw new MalformedStripeObjectError('account is not an object');
  const account = object as Loose;
  if (typeof account.id !== 'string' || !account.id.startsWith('acct_'))
    throw new MalformedStripeObjectError('account id missing');
  return {
    accountId: account.id,
    chargesEnabled: account.charges_enabled === true,
    detailsSubmitted: account.details_submitted === true,
  };
}
