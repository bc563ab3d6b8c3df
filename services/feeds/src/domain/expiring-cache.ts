import { LruCache } from './lru-cache.ts';

/**
 * A small in-process cache whose entries live at most `ttlMs` (and at most `maxEntries` of them),
 * with single-flight loads: concurrent misses for one key share one load. Used for the access
 * records read on every private-feed request; the TTL is what bounds how long a revocation can go
 * unseen by this process, so keep it ≤ 1 s for subscriber entries.
 */
export class ExpiringCache<V> {
  readonly #entries: LruCache<{ value: V; expiresAt: number }>;
  readonly #inflight = new Map<string, Promise<V>>();
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(options: { ttlMs: number; maxEntries: number; now?: () => number }) {
    this.#ttlMs = options.ttlMs;
    this.#now = options.now ?? Date.now;
    this.#entries = new LruCache({ maxEntries: options.maxEntries });
  }

  /** The fresh cached value, or undefined. */
  peek(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt > this.#now()) return entry.value;
    this.#entries.delete(key);
    return undefined;
  }

  set(key: string, value: V): void {
    if (this.#ttlMs > 0) this.#entries.set(key, { value, expiresAt: this.#now() + this.#ttlMs });
  }

  /** Cached value, or the result of `load` (shared by concurrent callers, then cached). */
  get(key: string, load: () => Promise<V>): Promise<V> {
    const entry = this.#entries.get(key);
    if (entry && entry.expiresAt > this.#now()) return Promise.resolve(entry.value);
    let pending = this.#inflight.get(key);
    if (!pending) {
      // Stamp the expiry from the start of the load: the value is at most ttlMs older than its read.
      const startedAt = this.#now();
      pending = load()
        .then((value) => {
          if (this.#ttlMs > 0) this.#entries.set(key, { value, expiresAt: startedAt + this.#ttlMs });
          return value;
        })
        .finally(() => this.#inflight.delete(key));
      this.#inflight.set(key, pending);
    }
    return pending;
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }
}
