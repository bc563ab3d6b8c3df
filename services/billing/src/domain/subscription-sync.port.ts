import type { StripeSubscriptionStatus } from '@gatehouse/access-snapshot';
import type { ConnectAccountState } from './stripe.port.ts';
import type { AccessSnapshotWriter, OutboxWriter, UnitOfWork } from './transaction.port.ts';

/** The columns of a subscription the apply path derives from Stripe's state. */
export interface SubscriptionFields {
  planId: string;
  status: StripeSubscriptionStatus;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  canceledAt: Date | null;
  pastDueSince: Date | null;
}

export interface StoredSubscription extends SubscriptionFields {
  id: string;
  tenantId: string;
  subscriberId: string;
  version: number;
  /** Stripe time of the newest state applied (the ordering rule compares against it). */
  stripeEventCreated: Date | null;
}

/** A plan a Stripe price maps to, with the Stripe account its tenant sells on (null: platform). */
export interface PlanOwner {
  id: string;
  tenantId: string;
  stripeAccountId: string | null;
}

export interface SubscriberLink {
  id: string;
  stripeCustomerId: string | null;
}

/**
 * What the Stripe apply path (webhooks and reconciliation) reads and writes. Every method runs
 * inside the one transaction `SubscriptionSyncStore.withTransaction` opened.
 */
export interface SubscriptionSyncRepository extends OutboxWriter, AccessSnapshotWriter {
  /** Serialises every writer of one key (a Stripe object, an e-mail) until the transaction ends. */
  lock(key: string): Promise<void>;
  /** Records a webhook event in the ledger; false when it was already there (a duplicate). */
  recordEvent(event: { id: string; type: string; account: string | null; created: Date }): Promise<boolean>;
  findTenantByAccount(account: string): Promise<string | null>;
  /** A tenant selling on the platform account (no connected account of its own). */
  findPlatformTenant(tenantId: string): Promise<string | null>;
  findSubscription(stripeSubscriptionId: string): Promise<StoredSubscription | null>;
  findPlanByPrice(stripePriceId: string): Promise<PlanOwner | null>;
  findPlan(planId: string): Promise<PlanOwner | null>;
  /** Only moves the subscription's last-applied Stripe time (nothing else changed). */
  markApplied(subscriptionId: string, lastApplied: Date): Promise<void>;
  /** Writes the fields and the last-applied time, and increments the version. */
  updateSubscription(
    subscriptionId: string,
    fields: SubscriptionFields,
    lastApplied: Date,
  ): Promise<StoredSubscription>;
  createSubscription(
    input: SubscriptionFields & {
      tenantId: string;
      subscriberId: string;
      stripeSubscriptionId: string;
      lastApplied: Date;
    },
  ): Promise<StoredSubscription>;
  findSubscriberByCustomer(tenantId: string, customerId: string): Promise<string | null>;
  findSubscriber(tenantId: string, subscriberId: string): Promise<SubscriberLink | null>;
  findSubscriberByEmail(tenantId: string, email: string): Promise<SubscriberLink | null>;
  setStripeCustomer(subscriberId: string, customerId: string): Promise<void>;
  /** The tenant of a connected account, with the Stripe time of its last applied `account.updated`. */
  findConnectTenant(accountId: string): Promise<{ tenantId: string; lastEventAt: Date | null } | null>;
  /** Stores a connected account's state and the Stripe time it describes. */
  setConnectState(tenantId: string, state: ConnectAccountState, observedAt: Date): Promise<void>;
  /** Creates a subscriber and its access credential (generation 1); returns its id. */
  createSubscriber(input: { tenantId: string; email: string; customerId: string | null }): Promise<string>;
}

/** Opens the apply path's transactions, and names the connected accounts reconciliation lists. */
export interface SubscriptionSyncStore extends UnitOfWork<SubscriptionSyncRepository> {
  /** Connected accounts of tenants that are not closed. */
  connectedAccounts(): Promise<string[]>;
}
