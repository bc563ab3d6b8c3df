import { randomUUID } from 'node:crypto';
import { computePlanGrants } from '@gatehouse/access-snapshot';
import type { PrismaClient } from '@gatehouse/db';
import { errors } from '@gatehouse/errors';
import { enqueueEvent } from '@gatehouse/outbox';
import type { StripeGateway } from './stripe-gateway.ts';

export interface PlanInput {
  name: string;
  description: string;
  amount: number;
  currency: string;
  interval: 'month' | 'year';
  showIds: string[];
  episodeIds: string[];
}

export interface PlanView {
  id: string;
  name: string;
  description: string;
  amount: number;
  currency: string;
  interval: 'month' | 'year';
  stripeProductId: string | null;
  stripePriceId: string | null;
  active: boolean;
  showIds: string[];
  episodeIds: string[];
}

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

/**
 * Creates a plan: first its Stripe product and price (on the tenant's connected account when it
 * has one; idempotency keys derived from the plan id make a retried call safe), then, in one
 * transaction, the plan row, its grants and the `gh.access.plan.changed.v1` outbox row. A Stripe
 * failure leaves nothing behind in Postgres.
 */
export async function createPlan(
  prisma: PrismaClient,
  gateway: StripeGateway,
  tenant: { id: string; stripeAccountId: string | null },
  input: PlanInput,
): Promise<PlanView> {
  const showIds = [...new Set(input.showIds)];
  const episodeIds = [...new Set(input.episodeIds)];
  const [shows, episodes] = await Promise.all([
    prisma.show.count({ where: { id: { in: showIds }, tenantId: tenant.id } }),
    prisma.episode.count({ where: { id: { in: episodeIds }, tenantId: tenant.id } }),
  ]);
  if (shows !== showIds.length) throw errors.unprocessable('a granted show does not exist for this tenant');
  if (episodes !== episodeIds.length)
    throw errors.unprocessable('a granted episode does not exist for this tenant');

  const planId = randomUUID();
  let stripeIds: { productId: string; priceId: string };
  try {
    stripeIds = await gateway.createProductAndPrice(
      { ...input, currency: input.currency.toLowerCase(), planId, tenantId: tenant.id },
      tenant.stripeAccountId,
    );
  } catch (error) {
    throw errors.dependencyUnavailable('stripe', error);
  }
  const plan = await prisma.$transaction(async (tx) => {
    const created = await tx.plan.create({
      data: {
        id: planId,
        tenantId: tenant.id,
        name: input.name,
        description: input.description,
        amount: input.amount,
        currency: input.currency.toLowerCase(),
        interval: input.interval,
        stripeProductId: stripeIds.productId,
        stripePriceId: stripeIds.priceId,
        grants: {
          create: [
            ...showIds.map((showId) => ({ showId })),
            ...episodeIds.map((episodeId) => ({ episodeId })),
          ],
        },
      },
      select,
    });
    const grants = await computePlanGrants(tx, planId);
    if (grants) {
      await enqueueEvent(tx, 'gh.access.plan.changed.v1', {
        eventId: `plan:${planId}:${grants.version}`,
        occurredAt: new Date().toISOString(),
        grants,
      });
    }
    return created;
  });
  return view(plan);
}

export async function listPlans(prisma: PrismaClient, tenantId: string): Promise<PlanView[]> {
  const plans = await prisma.plan.findMany({ where: { tenantId }, select, orderBy: { createdAt: 'asc' } });
  return plans.map(view);
}

export async function findPlan(prisma: PrismaClient, tenantId: string, planId: string) {
  const plan = await prisma.plan.findFirst({
    where: { id: planId, tenantId },
    select: { id: true, stripePriceId: true, active: true },
  });
  if (!plan) throw errors.notFound('plan');
  return plan;
}

export async function findSubscriber(prisma: PrismaClient, tenantId: string, subscriberId: string) {
  const subscriber = await prisma.subscriber.findFirst({
    where: { id: subscriberId, tenantId },
    select: { id: true, email: true, stripeCustomerId: true },
  });
  if (!subscriber) throw errors.notFound('subscriber');
  return subscriber;
}
