import type { StripeGateway } from './stripe.port.ts';
import type { SubscriptionState } from './stripe-state.ts';
import type {
  StoredSubscription,
  SubscriptionFields,
  SubscriptionSyncRepository,
} from './subscription-sync.port.ts';
import { needsRefetch } from './webhook-events.ts';

/**
 * The one apply path for Stripe subscription state, used by webhooks and reconciliation alike, so
 * the ordering rule, the access snapshot and the outbox rows are written the same way whatever
 * noticed the change. Runs inside the caller's transaction (the repository is bound to it).
 */
export interface ApplyInput {
  state: SubscriptionState;
  /**
   * Stripe time (unix seconds) the state describes: the event's `created`, or when the state was
   * fetched/listed. An `event` state not strictly newer than the last applied one, or a `fetched`
   * state older than it, is replaced by a re-fetch.
   */
  observedAt: number;
  source: 'event' | 'fetched';
  /** The connected account the state came from (null: the platform account). */
  account: string | null;
  /** Subscriber to link when the subscription is new (checkout already identified them). */
  subscriberId?: string;
}

export type ApplyOutcome =
  | { outcome: 'applied'; subscriberId: string; version: number }
  | { outcome: 'unchanged'; subscriberId: string }
  | { outcome: 'unmapped'; reason: string };

const UUID = /^[0-9a-f-]{36}$/i;
export const isUuidLike = (value: string | undefined): value is string => !!value && UUID.test(value);
const toDate = (seconds: number | null) => (seconds === null ? null : new Date(seconds * 1000));

export async function applySubscriptionState(
  repo: SubscriptionSyncRepository,
  gateway: StripeGateway,
  input: ApplyInput,
): Promise<ApplyOutcome> {
  let state = input.state;
  await repo.lock(`stripe-subscription:${state.id}`);
  const existing = await repo.findSubscription(state.id);

  let observedAt = input.observedAt;
  const lastAppliedMs = existing?.stripeEventCreated?.getTime() ?? null;
  const stale =
    lastAppliedMs !== null &&
    (input.source === 'event'
      ? needsRefetch(existing?.stripeEventCreated ?? null, observedAt)
      : observedAt * 1000 < lastAppliedMs);
  if (stale) {
    // Older (or same-second) than what we applied: it must not move the subscription back.
    // Stripe's current state is never behind anything we applied, so apply that instead.
    state = await gateway.retrieveSubscription(state.id, input.account);
    observedAt = Math.max(Math.floor(Date.now() / 1000), Math.floor(lastAppliedMs / 1000));
  }

  const plan = await planOf(repo, state);
  if (!plan) return { outcome: 'unmapped', reason: `no plan for price ${state.priceId ?? '(none)'}` };
  if ((plan.stripeAccountId ?? null) !== input.account) {
    return { outcome: 'unmapped', reason: 'plan belongs to another Stripe account' };
  }

  const subscriberId =
    existing?.subscriberId ??
    (await linkSubscriber(repo, gateway, {
      tenantId: plan.tenantId,
      account: input.account,
      customerId: state.customerId,
      subscriberId: input.subscriberId ?? state.metadata.subscriberId,
      email: null,
    }));
  if (!subscriberId)
    return { outcome: 'unmapped', reason: 'customer has no e-mail to create a subscriber from' };

  const fields: SubscriptionFields = {
    planId: plan.id,
    status: state.status,
    currentPeriodEnd: toDate(state.currentPeriodEnd),
    cancelAtPeriodEnd: state.cancelAtPeriodEnd,
    canceledAt: toDate(state.canceledAt),
    // The grace counts from the renewal that failed: the start of the current period. Derived
    // from the object itself, so it does not depend on which event we happened to see first.
    pastDueSince:
      state.status === 'past_due'
        ? (toDate(state.currentPeriodStart) ?? existing?.pastDueSince ?? new Date(observedAt * 1000))
        : null,
  };
  const lastApplied = new Date(Math.max(observedAt * 1000, lastAppliedMs ?? 0));

  if (existing && sameFields(existing, fields)) {
    await repo.markApplied(existing.id, lastApplied);
    return { outcome: 'unchanged', subscriberId };
  }

  const row = existing
    ? await repo.updateSubscription(existing.id, fields, lastApplied)
    : await repo.createSubscription({
        ...fields,
        tenantId: plan.tenantId,
        subscriberId,
        stripeSubscriptionId: state.id,
        lastApplied,
      });
  return publishChange(repo, row, subscriberId);
}

/** The new snapshot and both events of a changed subscription, in the same transaction. */
async function publishChange(
  repo: SubscriptionSyncRepository,
  row: StoredSubscription,
  subscriberId: string,
): Promise<ApplyOutcome> {
  const access = await repo.bumpSubscriberAccess(subscriberId);
  const occurredAt = new Date().toISOString();
  await repo.enqueue('gh.billing.subscription.changed.v1', {
    eventId: `subscription:${row.id}:${row.version}`,
    occurredAt,
    tenantId: row.tenantId,
    subscriberId,
    subscriptionId: row.id,
    planId: row.planId,
    status: row.status,
    currentPeriodEnd: row.currentPeriodEnd?.toISOString() ?? null,
    cancelAtPeriodEnd: row.cancelAtPeriodEnd,
    version: row.version,
  });
  await repo.enqueue('gh.access.subscriber.changed.v1', {
    eventId: `access:${subscriberId}:${access.version}`,
    occurredAt,
    access,
  });
  return { outcome: 'applied', subscriberId, version: access.version };
}

function sameFields(existing: SubscriptionFields, next: SubscriptionFields): boolean {
  const time = (value: Date | null) => value?.getTime() ?? null;
  return (
    existing.planId === next.planId &&
    existing.status === next.status &&
    existing.cancelAtPeriodEnd === next.cancelAtPeriodEnd &&
    time(existing.currentPeriodEnd) === time(next.currentPeriodEnd) &&
    time(existing.canceledAt) === time(next.canceledAt) &&
    time(existing.pastDueSince) === time(next.pastDueSince)
  );
}

/** The plan of a subscription: by its price, else by the plan id our checkout put in its metadata. */
async function planOf(repo: SubscriptionSyncRepository, state: SubscriptionState) {
  if (state.priceId) {
    const byPrice = await repo.findPlanByPrice(state.priceId);
    if (byPrice) return byPrice;
  }
  const planId = state.metadata.planId;
  return isUuidLike(planId) ? repo.findPlan(planId) : null;
}

/**
 * Finds the subscriber of a Stripe customer in a tenant, or links/creates one: by the id we put
 * in the checkout's metadata/client_reference_id, then by e-mail (asking Stripe for the
 * customer's e-mail when the event did not carry one). Returns null when nothing identifies them.
 */
export async function linkSubscriber(
  repo: SubscriptionSyncRepository,
  gateway: StripeGateway,
  input: {
    tenantId: string;
    account: string | null;
    customerId: string | null;
    subscriberId?: string | undefined;
    email: string | null;
  },
): Promise<string | null> {
  if (input.customerId) {
    await repo.lock(`stripe-customer:${input.tenantId}:${input.customerId}`);
    const byCustomer = await repo.findSubscriberByCustomer(input.tenantId, input.customerId);
    if (byCustomer) return byCustomer;
  }
  if (isUuidLike(input.subscriberId)) {
    const byId = await repo.findSubscriber(input.tenantId, input.subscriberId);
    if (byId) {
      if (input.customerId && !byId.stripeCustomerId) await repo.setStripeCustomer(byId.id, input.customerId);
      return byId.id;
    }
  }
  const email =
    input.email ??
    (input.customerId ? await gateway.retrieveCustomerEmail(input.customerId, input.account) : null);
  if (!email) return null;
  const normalized = email.trim().toLowerCase();
  await repo.lock(`subscriber-email:${input.tenantId}:${normalized}`);
  const byEmail = await repo.findSubscriberByEmail(input.tenantId, normalized);
  if (byEmail) {
    if (input.customerId && byEmail.stripeCustomerId !== input.customerId) {
      await repo.setStripeCustomer(byEmail.id, input.customerId);
    }
    return byEmail.id;
  }
  return repo.createSubscriber({ tenantId: input.tenantId, email: normalized, customerId: input.customerId });
}
