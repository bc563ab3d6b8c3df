import type { StripeSubscriptionStatus } from '@gatehouse/access-snapshot';

/** A subscriber's status in the creator's list: their most relevant subscription's, or `none`. */
export type SubscriberStatus = StripeSubscriptionStatus | 'none';

export interface SubscriberSummary {
  id: string;
  email: string;
  status: SubscriberStatus;
  plan: { id: string; name: string } | null;
  /** Start of the subscription shown (the subscriber's creation when they have none). */
  since: Date;
  /** Last time the feed URL was reset (null: never). */
  feedResetAt: Date | null;
}

export interface SubscriberDetail extends SubscriberSummary {
  name: string | null;
  suspended: boolean;
  subscriptions: {
    id: string;
    status: StripeSubscriptionStatus;
    plan: { id: string; name: string };
    currentPeriodEnd: Date | null;
    cancelAtPeriodEnd: boolean;
    createdAt: Date;
  }[];
}

export interface SubscriberQuery {
  tenantId: string;
  /** Lower-cased substring of the e-mail. */
  search?: string | undefined;
  status?: SubscriberStatus | undefined;
  /** Only subscribers with a smaller id (the list runs newest first). */
  beforeId?: string | undefined;
  limit: number;
}

/** The creators' view of their subscribers (read-only). */
export interface SubscriberDirectory {
  list(query: SubscriberQuery): Promise<SubscriberSummary[]>;
  get(tenantId: string, subscriberId: string): Promise<SubscriberDetail | null>;
}
