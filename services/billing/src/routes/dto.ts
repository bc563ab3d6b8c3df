import type { PlanView } from '../domain/plan-catalog.port.ts';
import type { SubscriberDetail, SubscriberSummary } from '../domain/subscriber-directory.port.ts';

/** Domain values → the JSON the schemas declare (dates as ISO 8601 strings). */
const iso = (date: Date | null) => date?.toISOString() ?? null;

export const planDto = (plan: PlanView) => ({ ...plan, archivedAt: iso(plan.archivedAt) });

export const subscriberDto = (subscriber: SubscriberSummary) => ({
  id: subscriber.id,
  email: subscriber.email,
  status: subscriber.status,
  plan: subscriber.plan,
  since: subscriber.since.toISOString(),
  feedResetAt: iso(subscriber.feedResetAt),
});

export const subscriberDetailDto = (subscriber: SubscriberDetail) => ({
  ...subscriberDto(subscriber),
  name: subscriber.name,
  suspended: subscriber.suspended,
  subscriptions: subscriber.subscriptions.map((subscription) => ({
    ...subscription,
    currentPeriodEnd: iso(subscription.currentPeriodEnd),
    createdAt: subscription.createdAt.toISOString(),
  })),
});
