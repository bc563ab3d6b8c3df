import { computePlanGrants, computeSubscriberAccess } from '@gatehouse/access-snapshot';
import type { PrismaClient } from '@gatehouse/db';
import { issueAccessToken, type Keyring } from '@gatehouse/tokens';
import type { DueReset, ResetRecipient, ResetStore } from '../domain/sharing/reset-executor.ts';
import { closeAlert } from './sharing-rows.ts';

/** A claimed reset is this caller's for this long; a replica that dies mid-way hands it on after it. */
const LEASE_MS = 60_000;
const retryDelayMs = (attempts: number) => Math.min(1_000 * 2 ** attempts, 300_000);

/** Generation of a subscriber without a credential row (the column default, as in access-snapshot). */
const DEFAULT_GENERATION = 1;

/** The reset actions in Postgres, and what the listener's mail needs (new token, feeds, portal). */
export function createSharingResetsRepository(
  prisma: PrismaClient,
  links: { keyring: Keyring; baseUrl: string },
): ResetStore {
  const action = (alertId: string) => ({ alertId_kind: { alertId, kind: 'reset' as const } });
  return {
    async claimDue(limit) {
      const rows = await prisma.$queryRaw<
        {
          alert_id: string;
          tenant_id: string;
          subscriber_id: string;
          state: 'pending' | 'rotated';
          from_generation: number | null;
          generation: number | null;
          attempts: number;
        }[]
      >`
        UPDATE sharing_actions SET next_attempt_at = now() + ${LEASE_MS} * interval '1 millisecond'
         WHERE (alert_id, kind) IN (
           SELECT alert_id, kind FROM sharing_actions
            WHERE kind = 'reset' AND state IN ('pending', 'rotated') AND next_attempt_at <= now()
            ORDER BY next_attempt_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
        RETURNING alert_id, tenant_id, subscriber_id, state::text AS state, from_generation, generation, attempts`;
      return rows.map(
        (row): DueReset => ({
          alertId: row.alert_id,
          tenantId: row.tenant_id,
          subscriberId: row.subscriber_id,
          state: row.state,
          fromGeneration: row.from_generation,
          generation: row.generation,
          attempts: row.attempts,
        }),
      );
    },

    async currentGeneration(subscriberId) {
      const credential = await prisma.accessCredential.findUnique({
        where: { subscriberId },
        select: { generation: true },
      });
      return credential?.generation ?? DEFAULT_GENERATION;
    },

    async recordFromGeneration(alertId, generation) {
      await prisma.sharingAction.update({ where: action(alertId), data: { fromGeneration: generation } });
    },

    async markRotated(alertId, generation) {
      await prisma.sharingAction.update({ where: action(alertId), data: { state: 'rotated', generation } });
    },

    async recipient(subscriberId, generation): Promise<ResetRecipient | undefined> {
      const subscriber = await prisma.subscriber.findUnique({
        where: { id: subscriberId },
        select: { email: true, tenant: { select: { name: true, slug: true } } },
      });
      const access = await computeSubscriberAccess(prisma, subscriberId);
      if (!subscriber || !access) return undefined;
      const token = issueAccessToken(links.keyring, {
        tenantId: access.tenantId,
        subscriberId,
        generation,
      });
      const now = Date.now();
      const live = access.plans.filter((plan) => plan.until === null || plan.until > now);
      const grants = (await Promise.all(live.map((plan) => computePlanGrants(prisma, plan.planId)))).filter(
        (grant) => grant !== undefined,
      );
      const shows = await prisma.show.findMany({
        where: {
          tenantId: access.tenantId,
          OR: [
            { id: { in: grants.flatMap((grant) => grant.showIds) } },
            { episodes: { some: { id: { in: grants.flatMap((grant) => grant.episodeIds) } } } },
          ],
        },
        select: { id: true, title: true },
        orderBy: { title: 'asc' },
      });
      return {
        email: subscriber.email,
        tenantName: subscriber.tenant.name,
        feeds: shows.map((show) => ({
          title: show.title,
          url: `${links.baseUrl}/f/${token}/${show.id}.xml`,
        })),
        portalUrl: `${links.baseUrl}/portal/${subscriber.tenant.slug}/sign-in`,
      };
    },

    async complete(alertId) {
      await prisma.$transaction(async (tx) => {
        const done = await tx.sharingAction.update({
          where: action(alertId),
          data: { state: 'done', completedAt: new Date(), lastError: null },
          select: { subscriberId: true, alert: { select: { status: true } } },
        });
        if (done.alert.status === 'open') await closeAlert(tx, alertId, done.subscriberId, 'resolved');
      });
    },

    async retryLater(alertId, attempts, error) {
      await prisma.sharingAction.update({
        where: action(alertId),
        data: {
          attempts,
          lastError: error.slice(0, 500),
          nextAttemptAt: new Date(Date.now() + retryDelayMs(attempts)),
        },
      });
    },

    async fail(alertId, attempts, error) {
      await prisma.sharingAction.update({
        where: action(alertId),
        data: { state: 'failed', attempts, lastError: error.slice(0, 500), completedAt: new Date() },
      });
    },
  };
}
