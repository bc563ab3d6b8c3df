import { randomUUID } from 'node:crypto';
import type { VersionedStore } from '@gatehouse/access-cache';
import type { Db } from '@gatehouse/access-snapshot';
import { computeEpisodePolicy, computePlanGrants, computeSubscriberAccess } from '@gatehouse/access-snapshot';
import { type EpisodePolicy, type PlanGrants, redisKeys, type SubscriberAccess } from '@gatehouse/contracts';
import type { Redis } from 'ioredis';

/**
 * Rebuilds a validity record from Postgres when Redis has none (Redis restarted empty, a key
 * evicted, a record whose events have not arrived yet) and writes it back with `putIfNewer`, so
 * it can never overwrite a newer record the projector wrote meanwhile. Three kinds, one mechanism:
 * subscribers (`SubscriberAccess`), plans (`PlanGrants`) and episodes (`EpisodePolicy`), computed
 * by `@gatehouse/access-snapshot` — the same code the writers (billing, media) publish with.
 *
 * It cannot stampede: concurrent misses for one key share one load in this process
 * (single-flight), and across replicas a Redis lock (`SET NX PX`) lets one replica read Postgres
 * while the others wait for the record to appear in Redis. A waiter that sees nothing within
 * `waitMs` fails (the edge gets 503 + Retry-After: 1) rather than joining the stampede. Distinct
 * keys are bounded too (`maxConcurrentLoads`): episode ids come from request paths, so a flood of
 * made-up ids must not become a flood of Postgres reads.
 * Implements the auth app's `SubscriberColdLoader` (with its optional plan and episode hooks).
 */
export interface ColdLoaderOptions {
  db: Db;
  redis: Redis;
  store: VersionedStore;
  /** How long the lock protects one rebuild (it is released as soon as the rebuild is done). */
  lockTtlMs?: number;
  /** How long a replica that did not get the lock waits for the record to appear. */
  waitMs?: number;
  pollMs?: number;
  /** Rebuilds of distinct keys running at once in this process; past it a miss answers 503. */
  maxConcurrentLoads?: number;
}

/** Deletes the lock only if we still own it (it may have expired and been taken by another). */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
/** Every record id is a Postgres uuid; anything else cannot exist and is not worth a query. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class ColdPathBusyError extends Error {
  constructor(message = 'another replica is rebuilding this record; try again') {
    super(message);
    this.name = 'ColdPathBusyError';
  }
}

type Kind = 'subscriber' | 'plan' | 'episode';

export function createColdLoader(options: ColdLoaderOptions) {
  const lockTtlMs = options.lockTtlMs ?? 5000;
  const waitMs = options.waitMs ?? 1500;
  const pollMs = options.pollMs ?? 25;
  const maxConcurrentLoads = options.maxConcurrentLoads ?? 32;
  const inflight = new Map<string, Promise<unknown>>();
  const stats = {
    /** Postgres reads, all kinds together. */
    postgresReads: 0,
    byKind: { subscriber: 0, plan: 0, episode: 0 } as Record<Kind, number>,
    waitedForOther: 0,
    refusedBusy: 0,
  };

  async function rebuild<T extends { version: number }>(
    kind: Kind,
    key: string,
    lockName: string,
    compute: () => Promise<T | undefined>,
  ): Promise<T | undefined> {
    const lock = redisKeys.lock(lockName);
    const owner = randomUUID();
    const acquired = (await options.redis.set(lock, owner, 'PX', lockTtlMs, 'NX')) === 'OK';
    if (!acquired) {
      stats.waitedForOther++;
      const deadline = Date.now() + waitMs;
      while (Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, pollMs));
        const record = await options.store.get<T>(key);
        if (record) return record;
        // The holder finished without writing (no such record) or died: take over.
        if ((await options.redis.exists(lock)) === 0) return rebuild(kind, key, lockName, compute);
      }
      throw new ColdPathBusyError();
    }
    try {
      // The projector (or another replica's rebuild) may have written it since our miss.
      const present = await options.store.get<T>(key);
      if (present) return present;
      stats.postgresReads++;
      stats.byKind[kind]++;
      const computed = await compute();
      if (!computed) return undefined;
      if (await options.store.putIfNewer(key, computed)) return computed;
      return (await options.store.get<T>(key)) ?? computed;
    } finally {
      await options.redis.eval(RELEASE, 1, lock, owner).catch(() => undefined);
    }
  }

  /** Single-flight per key in this process, bounded across keys. */
  function load<T extends { version: number }>(
    kind: Kind,
    id: string,
    key: string,
    lockName: string,
    compute: () => Promise<T | undefined>,
  ): Promise<T | undefined> {
    const running = inflight.get(key) as Promise<T | undefined> | undefined;
    if (running) return running;
    if (!UUID.test(id)) return Promise.resolve(undefined);
    if (inflight.size >= maxConcurrentLoads) {
      stats.refusedBusy++;
      return Promise.reject(new ColdPathBusyError('too many records are being rebuilt; try again'));
    }
    const loading = rebuild(kind, key, lockName, compute).finally(() => inflight.delete(key));
    inflight.set(key, loading);
    return loading;
  }

  return {
    stats,
    /** `SubscriberColdLoader.loadSubscriber`; the tenant is checked by the decider, not here. */
    loadSubscriber(_tenantId: string, subscriberId: string): Promise<SubscriberAccess | undefined> {
      return load(
        'subscriber',
        subscriberId,
        redisKeys.subscriber(subscriberId),
        `cold:sub:${subscriberId}`,
        () => computeSubscriberAccess(options.db, subscriberId),
      );
    },
    /** `SubscriberColdLoader.loadPlan`: what a plan grants (the decider checks its tenant). */
    loadPlan(planId: string): Promise<PlanGrants | undefined> {
      return load('plan', planId, redisKeys.plan(planId), `cold:plan:${planId}`, () =>
        computePlanGrants(options.db, planId),
      );
    },
    /** `SubscriberColdLoader.loadEpisode`: the episode's policy as media last wrote it. */
    loadEpisode(episodeId: string): Promise<EpisodePolicy | undefined> {
      return load('episode', episodeId, redisKeys.episode(episodeId), `cold:ep:${episodeId}`, () =>
        computeEpisodePolicy(options.db, episodeId),
      );
    },
  };
}

/** The loader's first name (subscribers only at the time); it now rebuilds plans and episodes too. */
export const createSubscriberColdLoader = createColdLoader;
export type ColdLoader = ReturnType<typeof createColdLoader>;
