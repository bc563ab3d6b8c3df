/**
 * The one bounded in-memory cache of the services: at most `maxEntries` entries (and, optionally,
 * at most `maxWeight` total weight), least recently used evicted first, each entry with an optional
 * expiry. A `Map` keeps insertion order, so "least recently used" is simply the first key and a hit
 * re-inserts its key at the young end: every operation is O(1) except `deleteWhere`.
 *
 * Expired entries are dropped lazily, when read (they still count toward the bound until then, and
 * are the first to go since nobody touched them). The clock is injectable for tests.
 */
export interface CacheEntry<V> {
  readonly value: V;
  /** Unix ms after which the entry is gone; `Infinity` when it never expires. */
  readonly expiresAt: number;
}

export interface BoundedCacheOptions {
  /** Entry bound (≥ 1). */
  maxEntries: number;
  /** Bound on the sum of the entries' weights (default: none). An entry heavier than it is not stored. */
  maxWeight?: number;
  /** Default lifetime of an entry (default: none, only evicted by the bounds). */
  ttlMs?: number;
  now?: () => number;
}

export interface SetOptions {
  /** Lifetime of this entry, overriding the cache's `ttlMs`. */
  ttlMs?: number;
  /** Absolute expiry (unix ms), overriding any TTL. An expiry not in the future stores nothing. */
  expiresAt?: number;
  /** Counted against `maxWeight` (default 1). */
  weight?: number;
}

/** The expiry of an entry that never expires. */
const NEVER = Number.POSITIVE_INFINITY;

interface Slot<V> {
  value: V;
  expiresAt: number;
  weight: number;
}

export class BoundedCache<K, V> {
  readonly #slots = new Map<K, Slot<V>>();
  readonly #maxEntries: number;
  readonly #maxWeight: number;
  readonly #ttlMs: number;
  readonly now: () => number;
  #weight = 0;

  constructor(options: BoundedCacheOptions) {
    if (!Number.isInteger(options.maxEntries) || options.maxEntries < 1)
      throw new RangeError('maxEntries must be an integer ≥ 1');
    if (options.maxWeight !== undefined && !(options.maxWeight > 0))
      throw new RangeError('maxWeight must be > 0');
    if (options.ttlMs !== undefined && !(options.ttlMs >= 0)) throw new RangeError('ttlMs must be ≥ 0');
    this.#maxEntries = options.maxEntries;
    this.#maxWeight = options.maxWeight ?? Number.POSITIVE_INFINITY;
    this.#ttlMs = options.ttlMs ?? NEVER;
    this.now = options.now ?? Date.now;
  }

  /** Entries held, expired ones not yet read included. */
  get size(): number {
    return this.#slots.size;
  }

  /** Sum of the held entries' weights. */
  get weight(): number {
    return this.#weight;
  }

  /** The live value for `key`, or undefined; a hit becomes the most recently used entry. */
  get(key: K, now?: number): V | undefined {
    return this.entry(key, now)?.value;
  }

  /**
   * The live entry for `key` (value and expiry), or undefined; a hit becomes the most recently used.
   * For values that may themselves be `undefined`, and for callers that need the expiry.
   * `now` lets a caller reading many keys ask the clock once.
   */
  entry(key: K, now?: number): CacheEntry<V> | undefined {
    const slot = this.#live(key, now);
    if (slot === undefined) return undefined;
    this.#slots.delete(key);
    this.#slots.set(key, slot);
    return slot;
  }

  /** Like `entry`, without making the entry more recently used (eviction order stays insertion order). */
  peek(key: K, now?: number): CacheEntry<V> | undefined {
    return this.#live(key, now);
  }

  has(key: K, now?: number): boolean {
    return this.peek(key, now) !== undefined;
  }

  /**
   * Stores `value` as the most recently used entry, then evicts the least recently used ones until
   * both bounds hold. Returns false (and holds nothing for `key`) when the expiry is not in the
   * future or the entry alone outweighs `maxWeight`.
   */
  set(key: K, value: V, options?: SetOptions): boolean {
    const existing = this.#slots.get(key);
    if (existing !== undefined) this.#remove(key, existing);
    const weight = options?.weight ?? 1;
    if (weight > this.#maxWeight) return false;
    let expiresAt = options?.expiresAt;
    if (expiresAt === undefined) {
      const ttlMs = options?.ttlMs ?? this.#ttlMs;
      expiresAt = ttlMs === NEVER ? NEVER : this.now() + ttlMs;
      if (ttlMs <= 0) return false;
    } else if (expiresAt <= this.now()) {
      return false;
    }
    this.#slots.set(key, { value, expiresAt, weight });
    this.#weight += weight;
    while (this.#slots.size > this.#maxEntries || this.#weight > this.#maxWeight) {
      const [oldestKey, oldest] = this.#slots.entries().next().value as [K, Slot<V>];
      this.#remove(oldestKey, oldest);
    }
    return true;
  }

  delete(key: K): boolean {
    const slot = this.#slots.get(key);
    if (slot === undefined) return false;
    this.#remove(key, slot);
    return true;
  }

  /** Deletes every entry whose key matches (O(n): for rare bulk invalidation, e.g. one show's entries). */
  deleteWhere(matches: (key: K) => boolean): number {
    let deleted = 0;
    for (const [key, slot] of this.#slots) {
      if (!matches(key)) continue;
      this.#remove(key, slot);
      deleted++;
    }
    return deleted;
  }

  clear(): void {
    this.#slots.clear();
    this.#weight = 0;
  }

  /** The slot of `key` unless absent or expired (an expired one is dropped). */
  #live(key: K, now: number | undefined): Slot<V> | undefined {
    const slot = this.#slots.get(key);
    if (slot === undefined) return undefined;
    const expiresAt = slot.expiresAt;
    if (expiresAt !== NEVER && expiresAt <= (now ?? this.now())) {
      this.#remove(key, slot);
      return undefined;
    }
    return slot;
  }

  #remove(key: K, slot: Slot<V>): void {
    this.#slots.delete(key);
    this.#weight -= slot.weight;
  }
}
