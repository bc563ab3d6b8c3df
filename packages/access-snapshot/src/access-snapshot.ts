import type { EpisodePolicy, PlanGrants, SubscriberAccess } from '@gatehouse/contracts';
import type { Prisma, PrismaClient } from '@gatehouse/db';
import { grantsOf, type SubscriptionFacts } from './access-rules.ts';
import { episodeAccessStateOf, toEpisodePolicy } from './episode-policy.ts';

/** A Prisma client or the client of an open interactive transaction. */
export type Db = PrismaClient | Prisma.TransactionClient;

/**
 * Token generation of a subscriber without an AccessCredential row yet: the column's default, so a
 * token minted when the row is created later matches the snapshot published before it.
 */
const DEFAULT_GENERATION = 1;

/**
 * The subscriber's full validity record as of the reading transaction. Called inside the
 * transaction that bumped `accessVersion`, so the version and the content always belong together;
 * the auth cold path calls it outside any transaction (a read that sees only committed state).
 * Returns undefined for an unknown subscriber.
 */
export async function computeSubscriberAccess(
  db: Db,
  subscriberId: string,
): Promise<SubscriberAccess | undefined> {
  const subscriber = await db.subscriber.findUnique({
    where: { id: subscriberId },
    select: {
      id: true,
      tenantId: true,
      accessVersion: true,
      suspendedAt: true,
      tenant: { select: { pastDueGraceSeconds: true } },
      accessCredential: { select: { generation: true } },
      subscriptions: {
        select: {
          planId: true,
          status: true,
          currentPeriodEnd: true,
          cancelAtPeriodEnd: true,
          pastDueSince: true,
        },
      },
    },
  });
  if (!subscriber) return undefined;
  const facts: SubscriptionFacts[] = subscriber.subscriptions;
  return {
    tenantId: subscriber.tenantId,
    subscriberId: subscriber.id,
    generation: subscriber.accessCredential?.generation ?? DEFAULT_GENERATION,
    ...grantsOf(facts, subscriber.tenant.pastDueGraceSeconds, subscriber.suspendedAt),
    version: Number(subscriber.accessVersion),
  };
}

/** What a plan grants, with its `grantsVersion`. Undefined for an unknown plan. */
export async function computePlanGrants(db: Db, planId: string): Promise<PlanGrants | undefined> {
  const plan = await db.plan.findUnique({
    where: { id: planId },
    select: {
      id: true,
      tenantId: true,
      grantsVersion: true,
      grants: { select: { showId: true, episodeId: true } },
    },
  });
  if (!plan) return undefined;
  const showIds = plan.grants.flatMap((grant) => (grant.showId ? [grant.showId] : [])).sort();
  const episodeIds = plan.grants.flatMap((grant) => (grant.episodeId ? [grant.episodeId] : [])).sort();
  return {
    tenantId: plan.tenantId,
    planId: plan.id,
    showIds,
    episodeIds,
    version: Number(plan.grantsVersion),
  };
}

/**
 * An episode's policy record as media last wrote it (same `version`, same mapping: `toEpisodePolicy`).
 * Undefined for an unknown episode. Used by the auth cold path when Redis lost the record.
 */
export async function computeEpisodePolicy(db: Db, episodeId: string): Promise<EpisodePolicy | undefined> {
  const row = await db.episode.findUnique({
    where: { id: episodeId },
    select: {
      id: true,
      tenantId: true,
      showId: true,
      status: true,
      visibility: true,
      publishedAt: true,
      earlyAccessUntil: true,
      lifecycleKind: true,
      version: true,
      currentMediaAsset: {
        select: { storageDriver: true, objectKey: true, contentType: true, byteSize: true, status: true },
      },
    },
  });
  return row ? toEpisodePolicy(episodeAccessStateOf(row)) : undefined;
}

/**
 * Bumps the subscriber's `accessVersion` and returns the new snapshot. Must run inside the
 * transaction that changed the subscriber's access: the row lock taken by the UPDATE orders
 * concurrent writers, so versions follow commit order per subscriber.
 */
export async function bumpSubscriberAccess(
  tx: Prisma.TransactionClient,
  subscriberId: string,
): Promise<SubscriberAccess> {
  await tx.subscriber.update({ where: { id: subscriberId }, data: { accessVersion: { increment: 1 } } });
  const access = await computeSubscriberAccess(tx, subscriberId);
  if (!access) throw new Error(`subscriber ${subscriberId} vanished inside its own transaction`);
  return access;
}
