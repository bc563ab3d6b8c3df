import type { PrismaClient, Subscription } from '@gatehouse/db';
import type {
  StoredSubscription,
  SubscriptionSyncRepository,
  SubscriptionSyncStore,
} from '../domain/subscription-sync.port.ts';
import { prismaUnitOfWork, type Tx, transactionWriters } from './prisma-transaction.ts';

/**
 * The apply path's store over Prisma (webhooks and reconciliation). One interactive transaction
 * per event or listed subscription; Stripe re-fetches happen inside it, hence the long timeout.
 */
export function createSubscriptionSyncStore(prisma: PrismaClient): SubscriptionSyncStore {
  const unitOfWork = prismaUnitOfWork(prisma, subscriptionSyncRepository, {
    timeout: 30_000,
    maxWait: 10_000,
  });
  return {
    withTransaction: unitOfWork.withTransaction,
    async connectedAccounts() {
      const tenants = await prisma.tenant.findMany({
        where: { stripeAccountId: { not: null }, status: { not: 'closed' } },
        select: { stripeAccountId: true },
      });
      return tenants.flatMap((tenant) => (tenant.stripeAccountId ? [tenant.stripeAccountId] : []));
    },
  };
}

const stored = (row: Subscription): StoredSubscription => ({
  id: row.id,
  tenantId: row.tenantId,
  subscriberId: row.subscriberId,
  planId: row.planId,
  status: row.status,
  currentPeriodEnd: row.currentPeriodEnd,
  cancelAtPeriodEnd: row.cancelAtPeriodEnd,
  canceledAt: row.canceledAt,
  pastDueSince: row.pastDueSince,
  stripeEventCreated: row.stripeEventCreated,
  version: Number(row.version),
});

const planOwner = { id: true, tenantId: true, tenant: { select: { stripeAccountId: true } } } as const;
const toOwner = (plan: { id: string; tenantId: string; tenant: { stripeAccountId: string | null } } | null) =>
  plan && { id: plan.id, tenantId: plan.tenantId, stripeAccountId: plan.tenant.stripeAccountId };
const link = { id: true, stripeCustomerId: true } as const;

/** The repository bound to one transaction. */
function subscriptionSyncRepository(tx: Tx): SubscriptionSyncRepository {
  return {
    ...transactionWriters(tx),
    async lock(key) {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
    },
    async recordEvent(event) {
      const inserted = await tx.$executeRaw`
        INSERT INTO processed_webhooks (stripe_event_id, type, account, created_at)
        VALUES (${event.id}, ${event.type}, ${event.account}, ${event.created})
        ON CONFLICT (stripe_event_id) DO NOTHING`;
      return inserted > 0;
    },
    async findTenantByAccount(account) {
      const tenant = await tx.tenant.findUnique({
        where: { stripeAccountId: account },
        select: { id: true },
      });
      return tenant?.id ?? null;
    },
    async findPlatformTenant(tenantId) {
      const tenant = await tx.tenant.findFirst({
        where: { id: tenantId, stripeAccountId: null },
        select: { id: true },
      });
      return tenant?.id ?? null;
    },
    async findSubscription(stripeSubscriptionId) {
      const row = await tx.subscription.findUnique({ where: { stripeSubscriptionId } });
      return row && stored(row);
    },
    async findPlanByPrice(stripePriceId) {
      const current = await tx.plan.findUnique({ where: { stripePriceId }, select: planOwner });
      if (current) return toOwner(current);
      // A price the plan sold at before a price change: its subscribers stay on it.
      const previous = await tx.planPrice.findUnique({
        where: { stripePriceId },
        select: { plan: { select: planOwner } },
      });
      return toOwner(previous?.plan ?? null);
    },
    async findPlan(planId) {
      return toOwner(await tx.plan.findUnique({ where: { id: planId }, select: planOwner }));
    },
    async markApplied(subscriptionId, lastApplied) {
      await tx.subscription.update({
        where: { id: subscriptionId },
        data: { stripeEventCreated: lastApplied },
      });
    },
    async updateSubscription(subscriptionId, fields, lastApplied) {
      return stored(
        await tx.subscription.update({
          where: { id: subscriptionId },
          data: { ...fields, stripeEventCreated: lastApplied, version: { increment: 1 } },
        }),
      );
    },
    async createSubscription({ lastApplied, ...data }) {
      return stored(await tx.subscription.create({ data: { ...data, stripeEventCreated: lastApplied } }));
    },
    async findSubscriberByCustomer(tenantId, stripeCustomerId) {
      const subscriber = await tx.subscriber.findUnique({
        where: { tenantId_stripeCustomerId: { tenantId, stripeCustomerId } },
        select: { id: true },
      });
      return subscriber?.id ?? null;
    },
    findSubscriber: (tenantId, subscriberId) =>
      tx.subscriber.findFirst({ where: { id: subscriberId, tenantId }, select: link }),
    findSubscriberByEmail: (tenantId, email) =>
      tx.subscriber.findUnique({ where: { tenantId_email: { tenantId, email } }, select: link }),
    async setStripeCustomer(subscriberId, stripeCustomerId) {
      await tx.subscriber.update({ where: { id: subscriberId }, data: { stripeCustomerId } });
    },
    async findConnectTenant(accountId) {
      const tenant = await tx.tenant.findUnique({
        where: { stripeAccountId: accountId },
        select: { id: true, stripeAccountEventAt: true },
      });
      return tenant && { tenantId: tenant.id, lastEventAt: tenant.stripeAccountEventAt };
    },
    async setConnectState(tenantId, state, observedAt) {
      await tx.tenant.update({
        where: { id: tenantId },
        data: {
          chargesEnabled: state.chargesEnabled,
          detailsSubmitted: state.detailsSubmitted,
          stripeAccountEventAt: observedAt,
        },
      });
    },
    async createSubscriber({ tenantId, email, customerId }) {
      const created = await tx.subscriber.create({
        data: { tenantId, email, stripeCustomerId: customerId },
        select: { id: true },
      });
      await tx.accessCredential.create({ data: { tenantId, subscriberId: created.id } });
      return created.id;
    },
  };
}
