import type { OriginUrl } from '@gatehouse/contracts';

/** Where kept URLs live (Redis in production, `redisKeys.origin(objectKey)`). */
export interface OriginUrlStore {
  get(objectKey: string): Promise<OriginUrl | undefined>;
  getMany(objectKeys: readonly string[]): Promise<(OriginUrl | undefined)[]>;
  /** Stores the record until it expires. */
  put(record: OriginUrl): Promise<void>;
}

export interface OriginUrlKeeperOptions {
  store: OriginUrlStore;
  /** Presigns a GET for `objectKey` valid `ttlSeconds` (local CPU work for SigV4, no network). */
  presign(objectKey: string, ttlSeconds: number): Promise<{ url: string; expiresAt: number }>;
  /** Lifetime of a URL; must outlive the slowest full download through the edge. */
  ttlMs: number;
  /** How long an on-demand request keeps a key in this replica's sweep. */
  recentWindowMs?: number;
  now?: () => number;
}

export interface OriginUrlKeeper {
  /** A URL with more than half its lifetime left: the stored one, or a fresh one (on demand). */
  ensure(objectKey: string): Promise<OriginUrl>;
  /** Presigns now regardless of what is stored (after finalize). */
  refresh(objectKey: string): Promise<OriginUrl>;
  /** Refreshes every recently requested key plus `extraKeys` whose URL is missing or past half-life. */
  sweep(extraKeys?: readonly string[]): Promise<{ checked: number; refreshed: number; failed: number }>;
}

/**
 * Keeps presigned origin URLs in the store ahead of need, so the edge's auth hop finds one and never
 * waits for media. Presigning is single-flight per key within the replica: a release that makes
 * thousands of apps ask at once still signs once.
 */
export function createOriginUrlKeeper(options: OriginUrlKeeperOptions): OriginUrlKeeper {
  const now = options.now ?? Date.now;
  const recentWindowMs = options.recentWindowMs ?? 24 * 3600 * 1000;
  const inflight = new Map<string, Promise<OriginUrl>>();
  const recent = new Map<string, number>();

  const isFresh = (record: OriginUrl | undefined): record is OriginUrl =>
    record !== undefined && record.expiresAt - now() > options.ttlMs / 2;

  function refresh(objectKey: string): Promise<OriginUrl> {
    const running = inflight.get(objectKey);
    if (running) return running;
    const work = (async () => {
      const signed = await options.presign(objectKey, Math.floor(options.ttlMs / 1000));
      const record: OriginUrl = { objectKey, url: signed.url, expiresAt: signed.expiresAt };
      await options.store.put(record);
      return record;
    })().finally(() => inflight.delete(objectKey));
    inflight.set(objectKey, work);
    return work;
  }

  return {
    async ensure(objectKey) {
      recent.set(objectKey, now());
      const stored = await options.store.get(objectKey);
      return isFresh(stored) ? stored : refresh(objectKey);
    },
    refresh,
    async sweep(extraKeys = []) {
      const cutoff = now() - recentWindowMs;
      for (const [key, at] of recent) if (at < cutoff) recent.delete(key);
      const keys = [...new Set([...recent.keys(), ...extraKeys])];
      let refreshed = 0;
      let failed = 0;
      for (let i = 0; i < keys.length; i += 200) {
        const batch = keys.slice(i, i + 200);
        const stored = await options.store.getMany(batch);
        const stale = batch.filter((_, index) => !isFresh(stored[index]));
        const results = await Promise.allSettled(stale.map((key) => refresh(key)));
        for (const result of results) result.status === 'fulfilled' ? refreshed++ : failed++;
      }
      return { checked: keys.length, refreshed, failed };
    },
  };
}
