import { bumpSubscriberAccess } from '@gatehouse/access-snapshot';
import type { Prisma } from '@gatehouse/db';
import { enqueueEvent } from '@gatehouse/outbox';
import type { SubscriptionState } from '../domain/stripe-state.ts';
import { needsRefetch } from '../domain/webhook-events.ts';
import type { StripeGateway } from './stripe-gateway.ts';

/**
 * The one apply path for Stripe subscription state, used by webhooks and reconciliation alike, so
 * the ordering rule, the access snapshot and the outbox rows are written the same way whatever
 * noticed the change. Runs inside the caller's transaction.
 */
export type Tx = Prisma.TransactionClient;

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

/** Serialises every writer of one Stripe object for the rest of the transaction. */
export async function lockKey(tx: Tx, key: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
}

export async function applySubscriptionState(
  tx: Tx,
  gateway: StripeGateway,
  input: ApplyInput,
): Promise<ApplyOutcome> {
  let state = input.state;
  await lockKey(tx, `stripe-subscription:${state.id}`);
  const existing = await tx.subscription.findUnique({ where: { stripeSubscriptionId: state.id } });

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

  const plan = await planOf(tx, state);
  if (!plan) return { outcome: 'unmapped', reason: `no plan for price ${state.priceId ?? '(none)'}` };
  if ((plan.tenant.stripeAccountId ?? null) !== input.account) {
    return { outcome: 'unmapped', reason: 'plan belongs to another Stripe account' };
  }

  const subscriberId =
    existing?.subscriberId ??
    (await linkSubscriber(tx, gateway, {
      tenantId: plan.tenantId,
      account: input.account,
      customerId: state.customerId,
      subscriberId: input.subscriberId ?? state.metadata.subscriberId,
      email: null,
    }));
  if (!subscriberId)
    return { outcome: 'unmapped', reason: 'customer has no e-mail to create a subscriber from' };

  const fields = {
    planId: plan.id,
    status: state.status,
    currentPeriodEnd: state.currentPeriodEnd === null ? null : new Date(state.currentPeriodEnd * 1000),
    cancelAtPeriodEnd: state.cancelAtPeriodEnd,
    canceledAt: state.canceledAt === null ? null : new Date(state.canceledAt * 1000),
    // The grace counts from the renewal that failed: the start of the current period. Derived
    // from the object itself, so it does not depend on which event we happened to see first.
    pastDueSince:
      state.status === 'past_due'
        ? state.currentPeriodStart !== null
          ? new Date(state.currentPeriodStart * 1000)
          : (existing?.pastDueSince ?? new Date(observedAt * 1000))
        : null,
  };
  const lastApplied = new Date(Math.max(observedAt * 1000, existing?.stripeEventCreated?.getTime() ?? 0));

  if (existing && sameFields(existing, fields)) {
    await tx.subscription.update({ where: { id: existing.id }, data: { stripeEventCreated: lastApplied } });
    return { outcome: 'unchanged', subscriberId };
  }

  const row = existing
    ? await tx.subscription.update({
        where: { id: existing.id },
        data: { ...fields, stripeEventCreated: lastApplied, version: { increment: 1 } },
      })
    : await tx.subscription.create({
        data: {
          ...fields,
          tenantId: plan.tenantId,
          subscriberId,
          stripeSubscriptionId: state.id,
          stripeEventCreated: lastApplied,
        },
      });

  const access = await bumpSubscriberAccess(tx, subscriberId);
  const occurredAt = new Date().toISOString();
  await enqueueEvent(tx, 'gh.billing.subscription.changed.v1', {
    eventId: `subscription:${row.id}:${row.version}`,
    occurredAt,
    tenantId: row.tenantId,
    subscriberId,
    subscriptionId: row.id,
    planId: row.planId,
    status: row.status,
    currentPeriodEnd: row.currentPeriodEnd?.toISOString() ?? null,
    cancelAtPeriodEnd: row.cancelAtPeriodEnd,
    version: Number(row.version),
  });
  await enqueueEvent(tx, 'gh.access.subscriber.changed.v1', {
    eventId: `access:${subscriberId}:${access.version}`,
    occurredAt,
    access,
  });
  return { outcome: 'applied', subscriberId, version: access.version };
}

function sameFields(
  existing: {
    planId: string;
    status: string;
    currentPeriodEnd: Date | null;
    cancelAtPeriodEnd: boolean;
    canceledAt: Date | null;
    pastDueSince: Date | null;
  },
  next: typeof existing,
): boolean {
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

async function planOf(tx: Tx, state: SubscriptionState) {
  const include = { tenant: { select: { stripeAccountId: true } } } as const;
  if (state.priceId) {
    const byPrice = await tx.plan.findUnique({ where: { stripePriceId: state.priceId }, include });
    if (byPrice) return byPrice;
  }
  const planId = state.metadata.planId;
  if (planId && /^[0-9a-f-]{36}$/i.test(planId))
    return tx.plan.findUnique({ where: { id: planId }, include });
  return null;
}

/**
 * Finds the subscriber of a Stripe customer in a tenant, or links/creates one: by the id we put
 * in the checkout's metadata/client_reference_id, then by e-mail (asking Stripe for the
 * customer's e-mail when the event did not carry one). Returns null when nothing identifies them.
 */
export async function linkSubscriber(
  tx: Tx,
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
    await lockKey(tx, `stripe-customer:${input.tenantId}:${input.customerId}`);
    const byCustomer = await tx.subscriber.findUnique({
      where: { tenantId_stripeCustomerId: { tenantId: input.tenantId, stripeCustomerId: input.customerId } },
      select: { id: true },
    });
    if (byCustomer) return byCustomer.id;
  }
  if (input.subscriberId && /^[0-9a-f-]{36}$/i.test(input.subscriberId)) {
    const byId = await tx.subscriber.findFirst({
      where: { id: input.subscriberId, tenantId: input.tenantId },
      select: { id: true, stripeCustomerId: true },
    });
    if (byId) {
      if (input.customerId && !byId.stripeCustomerId) {
        await tx.subscriber.update({ where: { id: byId.id }, data: { stripeCustomerId: input.customerId } });
      }
      return byId.id;
    }
  }
  const email =
    input.email ??
    (input.customerId ? await gateway.retrieveCustomerEmail(input.customerId, input.account) : null);
  if (!email) return null;
  const normalized = email.trim().toLowerCase();
  await lockKey(tx, `subscriber-email:${input.tenantId}:${normalized}`);
  const byEmail = await tx.subscriber.findUnique({
    where: { tenantId_email: { tenantId: input.tenantId, email: normalized } },
    select: { id: true, stripeCustomerId: true },
  });
  if (byEmail) {
    if (input.customerId && byEmail.stripeCustomerId !== input.customerId) {
      await tx.subscriber.update({ where: { id: byEmail.id }, data: { stripeCustomerId: input.customerId } });
    }
    return byEmail.id;
  }
  const created = await tx.subscriber.create({
    data: { tenantId: input.tenantId, email: normalized, stripeCustomerId: input.customerId },
    select: { id: true },
  });
  await tx.accessCredential.create({ data: { tenantId: input.tenantId, subscriberId: created.id } });
  return created.id;
}
