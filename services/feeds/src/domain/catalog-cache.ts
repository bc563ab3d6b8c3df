import { BoundedCache } from '@gatehouse/bounded-cache';
import type { ShowCatalog } from './feed-model.ts';

/** Where catalogs come from (Postgres in production). */
export interface CatalogStore {
  /** The show with its published episodes; undefined when the show does not exist. */
  loadCatalog(showId: string): Promise<ShowCatalog | undefined>;
  /** A cheap stamp that changes whenever the catalog would (counts and newest update times). */
  loadStamp(showId: string): Promise<string | undefined>;
  /** Show id for a public feed address; undefined when unknown. */
  resolveSlug(tenantSlug: string, showSlug: string): Promise<string | undefined>;
}

/**
 * In-process catalog cache. Freshness has two sources: media events (`gh.media.>`) drop a show at
 * once, and, because an event can be missed (NATS down, another replica's write), an entry older
 * than `revalidateMs` is checked against the store's cheap stamp before use. Concurrent misses for
 * one show share one load.
 */
export class CatalogCache {
  readonly #store: CatalogStore;
  readonly #revalidateMs: number;
  readonly #now: () => number;
  readonly #entries = new BoundedCache<string, { catalog: ShowCatalog; stamp: string; checkedAt: number }>({
    maxEntries: 10_000,
  });
  readonly #inflight = new Map<string, Promise<ShowCatalog | undefined>>();
  readonly #slugs = new BoundedCache<string, string>({ maxEntries: 10_000 });
  /** Called with a show id when its catalog changed (the template cache drops the show). */
  onChange: (showId: string) => void = () => {};

  constructor(store: CatalogStore, options: { revalidateMs: number; now?: () => number }) {
    this.#store = store;
    this.#revalidateMs = options.revalidateMs;
    this.#now = options.now ?? Date.now;
  }

  async get(showId: string): Promise<ShowCatalog | undefined> {
    const entry = this.#entries.get(showId);
    const now = this.#now();
    if (entry && now - entry.checkedAt < this.#revalidateMs) return entry.catalog;
    if (entry) {
      const stamp = await this.#store.loadStamp(showId);
      if (stamp === entry.stamp) {
        entry.checkedAt = now;
        return entry.catalog;
      }
      this.invalidate(showId);
    }
    let pending = this.#inflight.get(showId);
    if (!pending) {
      pending = this.#load(showId).finally(() => this.#inflight.delete(showId));
      this.#inflight.set(showId, pending);
    }
    return pending;
  }

  async #load(showId: string): Promise<ShowCatalog | undefined> {
    const checkedAt = this.#now();
    // Stamp first: a change between the two reads makes the stored stamp stale, which only causes
    // one extra reload later — never a stale catalog held as fresh.
    const stamp = await this.#store.loadStamp(showId);
    if (stamp === undefined) return undefined;
    const catalog = await this.#store.loadCatalog(showId);
    if (catalog) this.#entries.set(showId, { catalog, stamp, checkedAt });
    return catalog;
  }

  async resolveSlug(tenantSlug: string, showSlug: string): Promise<string | undefined> {
    const key = `${tenantSlug}/${showSlug}`;
    const cached = this.#slugs.get(key);
    if (cached) return cached;
    const showId = await this.#store.resolveSlug(tenantSlug, showSlug);
    if (showId) this.#slugs.set(key, showId);
    return showId;
  }

  invalidate(showId: string): void {
    this.#entries.delete(showId);
    this.onChange(showId);
  }

  /** Forget everything (lost the event stream: nothing cached can be trusted beyond its stamp). */
  clear(): void {
    this.#entries.clear();
    this.#slugs.clear();
  }
}
