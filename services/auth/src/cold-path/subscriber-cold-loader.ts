import { randomUUID } from 'node:crypto';
import type { VersionedStore } from '@gatehouse/access-cache';
import type { Db } from '@gatehouse/access-snapshot';
import { computeSubscriberAccess } from '@gatehouse/access-snapshot';
import { redisKeys, type SubscriberAccess } from '@gatehouse/contracts';
import type { Redis } from 'ioredis';

/**
 * Rebuilds a subscriber's validity record from Postgres when Redis has none (Redis restarted
 * empty, a key evicted, a subscriber whose events have not arrived yet) and writes it back with
 * `putIfNewer`, so it can never overwrite a newer record the projector wrote meanwhile.
 *
 * It cannot stampede: concurrent misses for one subscriber share one load in this process
 * (single-flight), and across replicas a Redis lock (`SET NX PX`) lets one replica read Postgres
 * while the others wait for the record to appear in Redis. A waiter that sees nothing within
 * `waitMs` fails (the edge gets 503 + Retry-After: 1) rather than joining the stampede.
 * Implements the auth app's `SubscriberColdLoader`.
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
}

/** Deletes the lock only if we still own it (it may have expired and been taken by another). */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export class ColdPathBusyError extends Error {
  constructor() {
    super('another replica is rebuilding this record; try again');
    this.name = 'ColdPathBusyError';
  }
}

export function createSubscriberColdLoader(options: ColdLoaderOptions) {
  const lockTtlMs = options.lockTtlMs ?? 5000;
  const waitMs = options.waitMs ?? 1500;
  const pollMs = options.pollMs ?? 25;
  const inflight = new Map<string, Promise<SubscriberAccess | undefined>>();
  const stats = { postgresReads: 0, waitedForOther: 0 };

  async function rebuild(subscriberId: string): Promise<SubscriberAccess | undefined> {
    const key = redisKeys.subscriber(subscriberId);
    const lock = redisKeys.lock(`cold:sub:${subscriberId}`);
    const owner = randomUUID();
    const acquired = (await options.redis.set(lock, owner, 'PX', lockTtlMs, 'NX')) === 'OK';
    if (!acquired) {
      stats.waitedForOther++;
      const deadline = Date.now() + waitMs;
      while (Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, pollMs));
        const record = await options.store.get<SubscriberAccess>(key);
        if (record) return record;
        // The holder finished without writing (no such subscriber) or died: take over.
        if ((await options.redis.exists(lock)) === 0) return rebuild(subscriberId);
      }
      throw new ColdPathBusyError();
    }
    try {
      // The projector (or another replica's rebuild) may have written it since our miss.
      const present = await options.store.get<SubscriberAccess>(key);
      if (present) return present;
      stats.postgresReads++;
      const computed = await computeSubscriberAccess(options.db, subscriberId);
      if (!computed) return undefined;
      if (await options.store.putIfNewer(key, computed)) return computed;
      return (await options.store.get<SubscriberAccess>(key)) ?? computed;
    } finally {
      await options.redis.eval(RELEASE, 1, lock, owner).catch(() => undefined);
    }
  }

  return {
    stats,
    /** `SubscriberColdLoader.loadSubscriber`; the tenant is checked by the decider, not here. */
    loadSubscriber(_tenantId: string, subscriberId: string): Promise<SubscriberAccess | undefined> {
      const running = inflight.get(subscriberId);
      if (running) return running;
      const load = rebuild(subscriberId).finally(() => inflight.delete(subscriberId));
      inflight.set(subscriberId, load);
      return load;
    },
  };
}
