import type { StripeSubscriptionStatus } from '@gatehouse/access-snapshot';
import { Prisma, type PrismaClient } from '@gatehouse/db';
import type {
  SubscriberDetail,
  SubscriberDirectory,
  SubscriberQuery,
  SubscriberSummary,
} from '../domain/subscriber-directory.port.ts';

interface SummaryRow {
  id: string;
  email: string;
  status: StripeSubscriptionStatus | null;
  plan_id: string | null;
  plan_name: string | null;
  since: Date;
  feed_reset_at: Date | null;
}

/**
 * The subscription a subscriber's row shows: the one that matters most for access (granting
 * statuses first), the newest among equals. Shared by the list and the detail so both agree.
 */
const CURRENT_SUBSCRIPTION = Prisma.sql`
  LEFT JOIN LATERAL (
    SELECT x.status, x.plan_id, x.created_at
    FROM subscriptions x
    WHERE x.subscriber_id = s.id
    ORDER BY CASE x.status
        WHEN 'active' THEN 0 WHEN 'trialing' THEN 1 WHEN 'past_due' THEN 2 WHEN 'paused' THEN 3
        WHEN 'unpaid' THEN 4 WHEN 'incomplete' THEN 5 WHEN 'canceled' THEN 6 ELSE 7 END,
      x.created_at DESC
    LIMIT 1
  ) cur ON true
  LEFT JOIN plans p ON p.id = cur.plan_id
  LEFT JOIN access_credentials ac ON ac.subscriber_id = s.id`;

const SUMMARY_COLUMNS = Prisma.sql`
  s.id::text AS id, s.email, cur.status::text AS status, cur.plan_id::text AS plan_id, p.name AS plan_name,
  COALESCE(cur.created_at, s.created_at) AS since, ac.rotated_at AS feed_reset_at`;

/** `%`, `_` and the escape character itself match literally in the search. */
const likeEscape = (text: string) => text.replace(/[\\%_]/g, (character) => `\\${character}`);

const summary = (row: SummaryRow): SubscriberSummary => ({
  id: row.id,
  email: row.email,
  status: row.status ?? 'none',
  plan: row.plan_id && row.plan_name !== null ? { id: row.plan_id, name: row.plan_name } : null,
  since: row.since,
  feedResetAt: row.feed_reset_at,
});

/** The creators' subscriber list over Postgres (tenant first in every predicate). */
export function createSubscriberDirectory(prisma: PrismaClient): SubscriberDirectory {
  return {
    async list(query: SubscriberQuery) {
      const conditions = [Prisma.sql`s.tenant_id = ${query.tenantId}::uuid`];
      if (query.search) conditions.push(Prisma.sql`s.email LIKE ${`%${likeEscape(query.search)}%`}`);
      if (query.beforeId) conditions.push(Prisma.sql`s.id < ${query.beforeId}::uuid`);
      if (query.status === 'none') conditions.push(Prisma.sql`cur.status IS NULL`);
      else if (query.status) conditions.push(Prisma.sql`cur.status::text = ${query.status}`);
      const rows = await prisma.$queryRaw<SummaryRow[]>`
        SELECT ${SUMMARY_COLUMNS}
        FROM subscribers s ${CURRENT_SUBSCRIPTION}
        WHERE ${Prisma.join(conditions, ' AND ')}
        ORDER BY s.id DESC
        LIMIT ${query.limit}`;
      return rows.map(summary);
    },

    async get(tenantId, subscriberId): Promise<SubscriberDetail | null> {
      const [row] = await prisma.$queryRaw<(SummaryRow & { name: string | null; suspended: boolean })[]>`
        SELECT ${SUMMARY_COLUMNS}, s.name, s.suspended_at IS NOT NULL AS suspended
        FROM subscribers s ${CURRENT_SUBSCRIPTION}
        WHERE s.tenant_id = ${tenantId}::uuid AND s.id = ${subscriberId}::uuid`;
      if (!row) return null;
      const subscriptions = await prisma.subscription.findMany({
        where: { tenantId, subscriberId },
        select: {
          id: true,
          status: true,
          currentPeriodEnd: true,
          cancelAtPeriodEnd: true,
          createdAt: true,
          plan: { select: { id: true, name: true } },
        },
        orderBy: { createdAt: 'desc' },
      });
      return { ...summary(row), name: row.name, suspended: row.suspended, subscriptions };
    },
  };
}
