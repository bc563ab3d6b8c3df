/**
 * The in-process level in front of Redis: a bounded LRU map whose entries each carry their own
 * expiry, plus a single-flight batch loader so that concurrent misses for one key share one Redis
 * read. `null` is cached as "known missing" so a flood of requests for an unknown record does not
 * become a flood of Redis reads.
 *
 * Invalidation (`invalidate`, `flush`) is called from outside — the projector when an event
 * changes a record, and the replica-wide invalidation broadcast. A read that was in flight when an
 * invalidation arrived still answers its callers but is not stored, so a stale value cannot be
 * re-inserted after the invalidation.
 */
export interface CacheEntry<V> {
  value: V | null;
  expiresAt: number;
}

export interface RecordCacheOptions {
  maxEntries: number;
  now?: () => number;
}

export class RecordCache {
  readonly #entries = new Map<string, CacheEntry<unknown>>();
  readonly #inflight = new Map<string, Promise<unknown>>();
  readonly #maxEntries: number;
  readonly now: () => number;
  /** Bumped by every invalidation; a load stores its result only if the epoch did not move. */
  #epoch = 0;

  constructor(options: RecordCacheOptions) {
    if (!Number.isInteger(options.maxEntries) || options.maxEntries < 1)
      throw new RangeError('maxEntries must be ≥ 1');
    this.#maxEntries = options.maxEntries;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The live entry for `key`, or undefined when absent or expired. A hit becomes most recently used. */
  get<V>(key: string, now = this.now()): CacheEntry<V> | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      this.#entries.delete(key);
      return undefined;
    }
    // Map keeps insertion order: re-inserting moves the key to the young end.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry as CacheEntry<V>;
  }

  set<V>(key: string, value: V | null, expiresAt: number): void {
    if (expiresAt <= this.now()) return;
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt });
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
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
