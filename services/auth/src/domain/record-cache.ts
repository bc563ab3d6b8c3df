import { BoundedCache, type CacheEntry } from '@gatehouse/bounded-cache';

export type { CacheEntry };

export interface RecordCacheOptions {
  maxEntries: number;
  now?: () => number;
}

/**
 * The in-process level in front of Redis: a `BoundedCache` (LRU) whose entries each carry their own
 * expiry, plus a single-flight batch loader so that concurrent misses for one key share one Redis
 * read. `null` is cached as "known missing" so a flood of requests for an unknown record does not
 * become a flood of Redis reads.
 *
 * Invalidation (`invalidate`, `flush`) is called from outside — the projector when an event
 * changes a record, and the replica-wide invalidation broadcast. A read that was in flight when an
 * invalidation arrived still answers its callers but is not stored, so a stale value cannot be
 * re-inserted after the invalidation.
 */
export class RecordCache {
  readonly #entries: BoundedCache<string, unknown>;
  readonly #inflight = new Map<string, Promise<unknown>>();
  readonly now: () => number;
  /** Bumped by every invalidation; a load stores its result only if the epoch did not move. */
  #epoch = 0;

  constructor(options: RecordCacheOptions) {
    this.now = options.now ?? Date.now;
    this.#entries = new BoundedCache({ maxEntries: options.maxEntries, now: this.now });
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The live entry for `key` (`value: null` = known missing), or undefined when absent or expired. */
  get<V>(key: string, now = this.now()): CacheEntry<V | null> | undefined {
    return this.#entries.entry(key, now) as CacheEntry<V | null> | undefined;
  }

  set<V>(key: string, value: V | null, expiresAt: number): void {
    // An already expired answer leaves what is cached alone (it is no newer knowledge).
    if (expiresAt <= this.now()) return;
    this.#entries.set(key, value, { expiresAt });
  }

  invalidate(keys: Iterable<string>): void {
    this.#epoch++;
    for (const key of keys) {
      this.#entries.delete(key);
      this.#inflight.delete(key);
    }
  }

  flush(): void {
    this.#epoch++;
    this.#entries.clear();
    this.#inflight.clear();
  }

  /**
   * Values for `keys`, from the cache where live, otherwise from one `fetch` call for all the keys
   * nobody is already fetching. `expiryOf` gives each fetched value its cache expiry (unix ms).
   * A fetch failure rejects every caller waiting on those keys and caches nothing.
   */
  async loadMany<V>(
    keys: readonly string[],
    fetch: (keys: string[]) => Promise<readonly (V | undefined)[]>,
    expiryOf: (key: string, value: V | null, now: number) => number,
  ): Promise<(V | null)[]> {
    const now = this.now();
    const out = new Array<V | null | Promise<V | null>>(keys.length);
    let missing: string[] | undefined;
    let missingAt: number[] = [];
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const entry = this.get<V>(key, now);
      if (entry !== undefined) {
        out[i] = entry.value;
        continue;
      }
      const pending = this.#inflight.get(key) as Promise<V | null> | undefined;
      if (pending !== undefined) {
        out[i] = pending;
        continue;
      }
      if (missing === undefined) {
        missing = [];
        missingAt = [];
      }
      missing.push(key);
      missingAt.push(i);
    }
    if (missing !== undefined) {
      const batch = missing;
      const epoch = this.#epoch;
      const fetched = fetch(batch);
      for (let j = 0; j < batch.length; j++) {
        const key = batch[j]!;
        const one = fetched.then((values) => values[j] ?? null);
        this.#inflight.set(key, one);
        out[missingAt[j]!] = one;
      }
      const forget = () => {
        for (const key of batch) this.#inflight.delete(key);
      };
      fetched.then((values) => {
        forget();
        if (epoch !== this.#epoch) return;
        const at = this.now();
        for (let j = 0; j < batch.length; j++) {
          const value = values[j] ?? null;
          this.set(batch[j]!, value, expiryOf(batch[j]!, value, at));
        }
      }, forget);
    }
    // Fast path: everything was cached, no promise to wait for.
    if (missing === undefined && !out.some((value) => value instanceof Promise)) return out as (V | null)[];
    return Promise.all(out);
  }

  /** Single-flight for one key around any async producer (cold path, origin fetch). */
  async once<V>(
    key: string,
    produce: () => Promise<V | undefined>,
    expiryOf: (value: V | null, now: number) => number,
  ): Promise<V | null> {
    const [value] = await this.loadMany<V>(
      [key],
      async () => [await produce()],
      (_key, v, now) => expiryOf(v, now),
    );
    return value ?? null;
  }
}
