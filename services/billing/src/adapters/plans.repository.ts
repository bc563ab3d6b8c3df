import { computePlanGrants } from '@gatehouse/access-snapshot';
import type { PrismaClient } from '@gatehouse/db';
import type { PlanCatalogRepository, PlanView, PlanWriter } from '../domain/plan-catalog.port.ts';
import { prismaUnitOfWork, transactionWriters } from './prisma-transaction.ts';

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
  grants: { select: { showId: true, episodeId: true } },
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

/** Plans and subscribers of a tenant over Prisma; a new plan is written in one transaction. */
export function createPlansRepository(prisma: PrismaClient): PlanCatalogRepository {
  const unitOfWork = prismaUnitOfWork(
    prisma,
    (tx): PlanWriter => ({
      enqueue: transactionWriters(tx).enqueue,
      async insertPlan({ showIds, episodeIds, ...plan }) {
        const created = await tx.plan.create({
          data: {
            ...plan,
            grants: {
              create: [
                ...showIds.map((showId) => ({ showId })),
                ...episodeIds.map((episodeId) => ({ episodeId })),
              ],
            },
          },
          select,
        });
        return view(created);
      },
      planGrants: (planId) => computePlanGrants(tx, planId),
    }),
  );
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
    findPlan: (tenantId, planId) =>
      prisma.plan.findFirst({
        where: { id: planId, tenantId },
        select: { id: true, stripePriceId: true, active: true },
      }),
    findSubscriber: (tenantId, subscriberId) =>
      prisma.subscriber.findFirst({
        where: { id: subscriberId, tenantId },
        select: { id: true, email: true, stripeCustomerId: true },
      }),
  };
}
