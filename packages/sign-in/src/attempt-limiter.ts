import { BoundedCache } from '@gatehouse/bounded-cache';

export interface AttemptLimiterOptions {
  /** Attempts allowed per key within `windowMs`. */
  limit: number;
  windowMs: number;
  /** Keys remembered at once (least recently used forgotten first). */
  maxKeys?: number;
  now?: () => number;
}

/**
 * Counts attempts per key (e.g. an e-mail address asking for sign-in mail) in a sliding window. It is
 * per process: N replicas allow N× the limit, which still bounds mail to one address to a handful.
 */
export function createAttemptLimiter(options: AttemptLimiterOptions) {
  const now = options.now ?? Date.now;
  const seen = new BoundedCache<string, number[]>({ maxEntries: options.maxKeys ?? 100_000, now });
  return {
    /** Records an attempt and says whether it is within the limit; `retryAfterSeconds` when it is not. */
    attempt(key: string): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
      const at = now();
      const recent = (seen.get(key) ?? []).filter((time) => at - time < options.windowMs);
      if (recent.length >= options.limit) {
        seen.set(key, recent, { expiresAt: recent[recent.length - 1]! + options.windowMs });
        return { allowed: false, retryAfterSeconds: Math.ceil((recent[0]! + options.windowMs - at) / 1000) };
      }
      recent.push(at);
      seen.set(key, recent, { expiresAt: at + options.windowMs });
      return { allowed: true };
    },
  };
}

export type AttemptLimiter = ReturnType<typeof createAttemptLimiter>;
