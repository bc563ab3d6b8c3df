import { BoundedCache } from '@gatehouse/bounded-cache';

export interface RateLimiter {
  /** Counts one request of `key`: allowed, or refused with how long until the window resets. */
  take(key: string): { allowed: true } | { allowed: false; retryAfterSeconds: number };
}

/**
 * A fixed-window counter per key (a client address), in memory: at most `limit` requests per
 * `windowMs`. Per replica on purpose — it only has to stop one client from making Stripe objects
 * in a loop, and a shared store would put Redis on a path that does not need it. The cache bound
 * keeps a flood of distinct addresses from growing memory (the oldest counters are dropped).
 */
export function createRateLimiter(options: {
  limit: number;
  windowMs: number;
  maxKeys?: number;
  now?: () => number;
}): RateLimiter {
  const now = options.now ?? Date.now;
  const windows = new BoundedCache<string, { count: number }>({
    maxEntries: options.maxKeys ?? 50_000,
    now,
  });
  return {
    take(key) {
      const entry = windows.entry(key);
      if (!entry) {
        windows.set(key, { count: 1 }, { ttlMs: options.windowMs });
        return { allowed: true };
      }
      if (entry.value.count >= options.limit) {
        return {
          allowed: false,
          retryAfterSeconds: Math.max(1, Math.ceil((entry.expiresAt - now()) / 1000)),
        };
      }
      entry.value.count++;
      return { allowed: true };
    },
  };
}
