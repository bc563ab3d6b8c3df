import type { PrismaClient } from '@gatehouse/db';
import { createPrefetchCache } from './prefetch-cache.ts';

/** Tier label of token-less (public) media. */
export const PUBLIC_TIER = 'public';
/** A subscriber without any subscription row (deleted since). */
export const UNKNOWN_TIER = 'unknown';

/** The plan (tier) of each subscriber, cached in process. */
export interface TierLookup {
  prefetch(subscriberIds: Iterable<string>): Promise<void>;
  get(subscriberId: string | null, via: string | null): string;
}

const MAX_CACHED = 500_000;

/**
 * A subscriber's tier is the plan of their granting subscription (active, trialing, past_due),
 * else of their newest one. Read when the subscriber is first seen by this process: a listen keeps
 * the tier it was counted with.
 */
export function createTierLookup(prisma: PrismaClient): TierLookup {
  const cache = createPrefetchCache<string>({
    maxCached: MAX_CACHED,
    async load(missing) {
      const rows = await prisma.$queryRaw<{ subscriber_id: string; plan_id: string }[]>`
        SELECT DISTINCT ON (subscriber_id) subscriber_id::text, plan_id::text
          FROM subscriptions
         WHERE subscriber_id = ANY(${missing}::uuid[])
         ORDER BY subscriber_id, (status IN ('active', 'trialing', 'past_due')) DESC, created_at DESC`;
      return rows.map((row) => [row.subscriber_id, row.plan_id]);
    },
    fallback: () => UNKNOWN_TIER,
  });
  return {
    prefetch: cache.prefetch,
    // Without a subscriber the grant itself is the tier: public, early access, lifecycle episode.
    get: (subscriberId, via) =>
      subscriberId === null ? (via ?? PUBLIC_TIER) : (cache.get(subscriberId) ?? UNKNOWN_TIER),
  };
}
