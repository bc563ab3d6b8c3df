import type { SubscriberAccess } from '@gatehouse/contracts';

export interface PlanAccess {
  planId: string;
  until: number | null;
}

/**
 * The access rules of DESIGN.md as pure functions, shared by billing (the snapshot it publishes),
 * rotation and the auth cold path, so every writer of a validity record computes the same answer.
 *
 * A snapshot is computed at one instant but read later: time-bounded grants therefore travel as
 * `until` (unix ms) and the auth hop compares it with its own clock. A past_due subscription whose
 * grace has run out, or a cancelled-at-period-end one whose period is over, stops granting without
 * any further event.
 */
export type StripeSubscriptionStatus =
  | 'incomplete'
  | 'incomplete_expired'
  | 'trialing'
  | 'active'
  | 'past_due'
  | 'canceled'
  | 'unpaid'
  | 'paused';

export interface SubscriptionFacts {
  planId: string;
  status: StripeSubscriptionStatus;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  pastDueSince: Date | null;
}

/** What one subscription contributes: a plan and until when, or nothing (denied). */
export function planAccessOf(
  subscription: SubscriptionFacts,
  pastDueGraceSeconds: number,
): PlanAccess | null {
  let until: number | null;
  switch (subscription.status) {
    case 'active':
    case 'trialing':
      until = null;
      break;
    case 'past_due': {
      // No start of the stretch known (should not happen): the grace counts from the period end,
      // which is the latest moment the failed renewal can have started.
      const since = subscription.pastDueSince ?? subscription.currentPeriodEnd;
      if (since === null) return null;
      until = since.getTime() + pastDueGraceSeconds * 1000;
      break;
    }
    default:
      return null;
  }
  if (subscription.cancelAtPeriodEnd && subscription.currentPeriodEnd !== null) {
    const periodEnd = subscription.currentPeriodEnd.getTime();
    until = until === null ? periodEnd : Math.min(until, periodEnd);
  }
  return { planId: subscription.planId, until };
}

/**
 * Which lifecycle episodes the private feed shows: `active` while anything is paid up,
 * `payment_failed` while a payment problem is open, `ended` once every subscription is over,
 * `none` for a subscriber who never completed a subscription.
 */
export function lifecycleOf(subscriptions: readonly SubscriptionFacts[]): SubscriberAccess['lifecycle'] {
  const statuses = new Set(subscriptions.map((subscription) => subscription.status));
  if (statuses.has('active') || statuses.has('trialing')) return 'active';
  if (statuses.has('past_due') || statuses.has('unpaid')) return 'payment_failed';
  if (statuses.has('canceled') || statuses.has('paused') || statuses.has('incomplete_expired'))
    return 'ended';
  return 'none';
}

/**
 * The plans a subscriber holds: one entry per plan, the most generous `until` when several
 * subscriptions grant the same plan. Sorted by plan id so equal states serialise identically.
 */
export function plansOf(
  subscriptions: readonly SubscriptionFacts[],
  pastDueGraceSeconds: number,
): PlanAccess[] {
  const byPlan = new Map<string, number | null>();
  for (const subscription of subscriptions) {
    const access = planAccessOf(subscription, pastDueGraceSeconds);
    if (access === null) continue;
    if (!byPlan.has(access.planId)) {
      byPlan.set(access.planId, access.until);
      continue;
    }
    const held = byPlan.get(access.planId) ?? null;
    byPlan.set(access.planId, held === null || access.until === null ? null : Math.max(held, access.until));
  }
  return [...byPlan.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([planId, until]) => ({ planId, until }));
}

/**
 * Everything a subscriber's snapshot grants: no plan and no lifecycle episode while the subscriber is
 * suspended (a creator's decision, e.g. on a sharing alert), whatever the subscriptions say. Lifting
 * the suspension restores exactly what the subscriptions grant, since nothing else was changed.
 */
export function grantsOf(
  subscriptions: readonly SubscriptionFacts[],
  pastDueGraceSeconds: number,
  suspendedAt: Date | null,
): Pick<SubscriberAccess, 'plans' | 'lifecycle'> {
  if (suspendedAt !== null) return { plans: [], lifecycle: 'none' };
  return { plans: plansOf(subscriptions, pastDueGraceSeconds), lifecycle: lifecycleOf(subscriptions) };
}
