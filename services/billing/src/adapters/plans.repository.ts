import { computePlanGrants } from '@gatehouse/access-snapshot';
import type { PrismaClient } from '@gatehouse/db';
import type { PlanCatalogRepository, PlanView, PlanWriter } from '../domain/plan-catalog.port.ts';
import { prismaUnitOfWork, type Tx, transactionWriters } from './prisma-transaction.ts';

const select = {
  id: true,
  name: true,
  description: true,
  amount: true,
  currency: true,
  interval: true,
  stripeProductId: true,
  stripePriceId: true,
  active: true,
  trialDays: true,
  allowPromotionCodes: true,
  archivedAt: true,
  grants: { select: { showId: true, episodeId: true }, orderBy: { createdAt: 'asc' } },
} as const;

/** A plan as `select` reads it: the view's columns, with its grants as rows. */
type PlanRow = Omit<PlanView, 'showIds' | 'episodeIds'> & {
  grants: { showId: string | null; episodeId: string | null }[];
};

const view = ({ grants, ...plan }: PlanRow): PlanView => ({
  ...plan,
  showIds: grants.flatMap((grant) => (grant.showId ? [grant.showId] : [])),
  episodeIds: grants.flatMap((grant) => (grant.episodeId ? [grant.episodeId] : [])),
});

const grantRows = (showIds: string[], episodeIds: string[]) => [
  ...showIds.map((showId) => ({ showId })),
  ...episodeIds.map((episodeId) => ({ episodeId })),
];

function planWriter(tx: Tx): PlanWriter {
  return {
    enqueue: transactionWriters(tx).enqueue,
    async insertPlan({ showIds, episodeIds, ...plan }) {
      const created = await tx.plan.create({
        data: { ...plan, grants: { create: grantRows(showIds, episodeIds) } },
        select,
      });
      return view(created);
    },
    async lockPlan(tenantId, planId) {
      const locked = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM plans WHERE id = ${planId}::uuid AND tenant_id = ${tenantId}::uuid FOR UPDATE`;
      if (locked.length === 0) return null;
      return view(await tx.plan.findUniqueOrThrow({ where: { id: planId }, select }));
    },
    async updatePlan(planId, { price, archived, ...columns }) {
      if (price) {
        // The replaced price stays known: subscriptions bought at it still map to this plan.
        const old = await tx.plan.findUniqueOrThrow({
          where: { id: planId },
          select: { stripePriceId: true, amount: true, currency: true, interval: true },
        });
        if (old.stripePriceId) {
          await tx.planPrice.create({
            data: {
              planId,
              stripePriceId: old.stripePriceId,
              amount: old.amount,
              currency: old.currency,
              interval: old.interval,
            },
          });
        }
      }
      await tx.plan.update({
        where: { id: planId },
        data: {
          ...columns,
          ...(price ? price : {}),
          ...(archived ? { active: false, archivedAt: new Date() } : {}),
        },
      });
    },
    async replaceGrants(planId, { showIds, episodeIds }) {
      await tx.planGrant.deleteMany({ where: { planId } });
      await tx.plan.update({
        where: { id: planId },
        data: { grantsVersion: { increment: 1 }, grants: { create: grantRows(showIds, episodeIds) } },
      });
    },
    planGrants: (planId) => computePlanGrants(tx, planId),
    readPlan: async (planId) => view(await tx.plan.findUniqueOrThrow({ where: { id: planId }, select })),
  };
}

/** Plans of a tenant over Prisma; every change is written in one transaction. */
export function createPlansRepository(prisma: PrismaClient): PlanCatalogRepository {
  const unitOfWork = prismaUnitOfWork(prisma, planWriter);
  return {
    withTransaction: unitOfWork.withTransaction,
    async countOwned(tenantId, { showIds, episodeIds }) {
      const [shows, episodes] = await Promise.all([
        prisma.show.count({ where: { id: { in: showIds }, tenantId } }),
        prisma.episode.count({ where: { id: { in: episodeIds }, tenantId } }),
      ]);
      return { shows, episodes };
    },
    async listPlans(tenantId) {
      const plans = await prisma.plan.findMany({
        where: { tenantId },
        select,
        orderBy: { createdAt: 'asc' },
      });
      return plans.map(view);
    },
    async getPlan(tenantId, planId) {
      const plan = await prisma.plan.findFirst({ where: { id: planId, tenantId }, select });
      return plan && view(plan);
    },
  };
}
