import type { VersionedStore } from '@gatehouse/access-cache';
import { computePlanGrants, computeSubscriberAccess, type Db } from '@gatehouse/access-snapshot';
import { BoundedCache } from '@gatehouse/bounded-cache';
import { type PlanGrants, redisKeys, type SubscriberAccess } from '@gatehouse/contracts';
import { ExpiringCache } from '../domain/expiring-cache.ts';
import type { AccessStore, PlanGrantView, SubscriberFeedAccess } from '../domain/feed-service.ts';

/**
 * The private feed's per-request access read, off Postgres: the validity records the auth side
 * keeps in Redis (`gh:v1:sub:{id}` SubscriberAccess, `gh:v1:plan:{id}` PlanGrants — written by
 * auth's projector from billing's events, and by auth's cold path), behind an in-process cache.
 *
 * - Subscriber entries live ≤ `subscriberTtlMs` (default 1 s) in this process, so a cancellation
 *   or a token rotation shows in the feed within a second of reaching Redis.
 * - A record missing from Redis (Redis restarted empty, events not there yet, a subscriber the
 *   edge never saw) is computed from Postgres with the shared access rules
 *   (`@gatehouse/access-snapshot`) and written back with `putIfNewer`, which never overwrites a
 *   newer record. A Redis error also falls back to Postgres: slower, never wrong.
 * - The records carry versions, not times. Last-Modified needs the instant access last changed,
 *   so this process remembers when it first saw each (id, version); a version it has not seen
 *   counts as changed now. That errs towards a 200 (after a restart, on another replica), never
 *   towards a wrong 304; the strong ETag does not depend on it.
 */
export interface AccessRecordsStoreOptions {
  records: VersionedStore;
  /** Postgres (a Prisma client) for records missing from Redis. */
  db: Db;
  subscriberTtlMs?: number;
  planTtlMs?: number;
  maxEntries?: number;
  now?: () => number;
  /** Called when a read fell back to Postgres (metrics/tests). */
  onFallback?: (kind: 'subscriber' | 'plan', reason: 'missing' | 'redis-error') => void;
}

export function createAccessRecordsStore(options: AccessRecordsStoreOptions): AccessStore {
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 100_000;
  const subscriberTtlMs = Math.min(options.subscriberTtlMs ?? 1_000, 1_000);
  const subscribers = new ExpiringCache<SubscriberAccess | undefined>({
    ttlMs: subscriberTtlMs,
    maxEntries,
    now,
  });
  const plans = new ExpiringCache<PlanGrants | undefined>({
    ttlMs: options.planTtlMs ?? 1_000,
    maxEntries: Math.min(maxEntries, 50_000),
    now,
  });
  const firstSeen = new BoundedCache<string, { version: number; at: number }>({ maxEntries: maxEntries * 2 });
  const changedAt = (key: string, version: number) => {
    const seen = firstSeen.get(key);
    if (seen && seen.version === version) return seen.at;
    const at = now();
    firstSeen.set(key, { version, at });
    return at;
  };

  async function fromRedis<T>(key: string, kind: 'subscriber' | 'plan'): Promise<T | undefined | 'error'> {
    try {
      return await options.records.get<T>(key);
    } catch {
      options.onFallback?.(kind, 'redis-error');
      return 'error';
    }
  }

  const writeBack = (key: string, record: SubscriberAccess | PlanGrants) => {
    // Best effort: the auth side would rebuild it too; a failure only costs another fallback.
    options.records.putIfNewer(key, record).catch(() => undefined);
  };

  async function loadSubscriber(subscriberId: string): Promise<SubscriberAccess | undefined> {
    const key = redisKeys.subscriber(subscriberId);
    const cached = await fromRedis<SubscriberAccess>(key, 'subscriber');
    if (cached !== undefined && cached !== 'error') return cached;
    if (cached === undefined) options.onFallback?.('subscriber', 'missing');
    const computed = await computeSubscriberAccess(options.db, subscriberId);
    if (computed && cached === undefined) writeBack(key, computed);
    return computed;
  }

  async function loadPlans(planIds: readonly string[]): Promise<(PlanGrants | undefined)[]> {
    const keys = planIds.map((id) => redisKeys.plan(id));
    let found: (PlanGrants | undefined)[];
    let redisFailed = false;
    try {
      found = await options.records.getMany<PlanGrants>(keys);
    } catch {
      options.onFallback?.('plan', 'redis-error');
      found = planIds.map(() => undefined);
      redisFailed = true;
    }
    return Promise.all(
      found.map(async (record, index) => {
        if (record) return record;
        if (!redisFailed) options.onFallback?.('plan', 'missing');
        const computed = await computePlanGrants(options.db, planIds[index]!);
        if (computed && !redisFailed) writeBack(keys[index]!, computed);
        return computed;
      }),
    );
  }

  return {
    async loadSubscriberAccess(subscriberId, atLeastGeneration): Promise<SubscriberFeedAccess | undefined> {
      let record =
        subscribers.peek(subscriberId) ??
        (await subscribers.get(subscriberId, () => loadSubscriber(subscriberId)));
      if (record && atLeastGeneration !== undefined && record.generation < atLeastGeneration) {
        // A verified token newer than the cached record proves the cache is stale (a rotation within
        // the cache's short life): read Redis again instead of calling the brand-new link replaced.
        subscribers.delete(subscriberId);
        record = await subscribers.get(subscriberId, () => loadSubscriber(subscriberId));
      }
      if (!record) return undefined;
      return {
        tenantId: record.tenantId,
        subscriberId: record.subscriberId,
        generation: record.generation,
        plans: record.plans,
        lifecycle: record.lifecycle,
        changedAt: changedAt(`s|${record.subscriberId}`, record.version),
      };
    },

    async loadPlanGrants(planIds): Promise<PlanGrantView[]> {
      const result: (PlanGrants | undefined)[] = planIds.map((id) => plans.peek(id));
      const missing = planIds.filter((_id, index) => result[index] === undefined);
      if (missing.length > 0) {
        // One MGET for every plan not cached here; each fills its own cache entry.
        const loading = loadPlans(missing);
        const loaded = await Promise.all(
          missing.map((id, index) => plans.get(id, async () => (await loading)[index])),
        );
        let next = 0;
        for (let i = 0; i < result.length; i++) if (result[i] === undefined) result[i] = loaded[next++];
      }
      return result.flatMap((grant) =>
        grant
          ? [
              {
                planId: grant.planId,
                tenantId: grant.tenantId,
                showIds: grant.showIds,
                episodeIds: grant.episodeIds,
                changedAt: changedAt(`p|${grant.planId}`, grant.version),
              },
            ]
          : [],
      );
    },
  };
}
