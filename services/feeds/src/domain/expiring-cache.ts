import { BoundedCache } from '@gatehouse/bounded-cache';

/**
 * A small in-process cache whose entries live at most `ttlMs` (and at most `maxEntries` of them),
 * with single-flight loads: concurrent misses for one key share one load. Used for the access
 * records read on every private-feed request; the TTL is what bounds how long a revocation can go
 * unseen by this process, so keep it ≤ 1 s for subscriber entries. `ttlMs` 0 caches nothing.
 */
export class ExpiringCache<V> {
  readonly #entries: BoundedCache<string, V>;
  readonly #inflight = new Map<string, Promise<V>>();
  readonly #ttlMs: number;

  constructor(options: { ttlMs: number; maxEntries: number; now?: () => number }) {
    this.#ttlMs = options.ttlMs;
    this.#entries = new BoundedCache({
      maxEntries: options.maxEntries,
      ttlMs: options.ttlMs,
      now: options.now,
    });
  }

  /** The fresh cached value, or undefined. */
  peek(key: string): V | undefined {
    return this.#entries.get(key);
  }

  set(key: string, value: V): void {
    this.#entries.set(key, value);
  }

  /** Cached value, or the result of `load` (shared by concurrent callers, then cached). */
  get(key: string, load: () => Promise<V>): Promise<V> {
    // entry(), not get(): a cached `undefined` ("no such record") is a hit too.
    const entry = this.#entries.entry(key);
    if (entry !== undefined) return Promise.resolve(entry.value);
    let pending = this.#inflight.get(key);
    if (!pending) {
      // Stamp the expiry from the start of the load: the value is at most ttlMs older than its read.
      const expiresAt = this.#entries.now() + this.#ttlMs;
      pending = load()
        .then((value) => {
          this.#entries.set(key, value, { expiresAt });
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
