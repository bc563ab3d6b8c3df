import { BoundedCache } from '@gatehouse/bounded-cache';

/**
 * The Redis outage policy's optional half. Wraps the auth app's record source (Redis):
 *
 * - `graceMs = 0` (default, `AUTH_STALE_GRACE_MS` unset): fail closed. A Redis error propagates,
 *   and the media endpoint answers 503 + Retry-After: 1.
 * - `graceMs > 0`: remembers what Redis last answered for each key and when. If Redis fails, a
 *   request whose every key was read from Redis no longer than `graceMs` ago is answered from that
 *   memory; anything older, or never read, still fails closed. Invalidations (the projector's
 *   broadcast) drop keys from the memory as from any cache, and a lost NATS connection flushes it,
 *   so a revocation that was announced is never served from here.
 */
export interface RecordSourceLike {
  getMany<T>(keys: readonly string[]): Promise<(T | undefined)[]>;
}

export interface StaleGraceOptions {
  graceMs: number;
  maxEntries?: number;
  now?: () => number;
}

export class StaleGraceSource implements RecordSourceLike {
  readonly #inner: RecordSourceLike;
  readonly #graceMs: number;
  readonly #now: () => number;
  /** What Redis last answered per key; bounded, the key read longest ago goes first. */
  readonly #seen: BoundedCache<string, { value: unknown; readAt: number }>;
  /** Requests answered from memory while Redis failed (metrics, tests). */
  servedStale = 0;

  constructor(inner: RecordSourceLike, options: StaleGraceOptions) {
    this.#inner = inner;
    this.#graceMs = options.graceMs;
    this.#now = options.now ?? Date.now;
    this.#seen = new BoundedCache({ maxEntries: options.maxEntries ?? 100_000 });
  }

  async getMany<T>(keys: readonly string[]): Promise<(T | undefined)[]> {
    try {
      const values = await this.#inner.getMany<T>(keys);
      if (this.#graceMs > 0) {
        const readAt = this.#now();
        for (let i = 0; i < keys.length; i++) this.#seen.set(keys[i]!, { value: values[i], readAt });
      }
      return values;
    } catch (error) {
      if (this.#graceMs <= 0) throw error;
      const now = this.#now();
      const out: (T | undefined)[] = [];
      for (const key of keys) {
        const entry = this.#seen.peek(key)?.value;
        if (!entry || now - entry.readAt > this.#graceMs) throw error;
        out.push(entry.value as T | undefined);
      }
      this.servedStale++;
      return out;
    }
  }

  invalidate(keys: Iterable<string>): void {
    for (const key of keys) this.#seen.delete(key);
  }

  flush(): void {
    this.#seen.clear();
  }
}
