/**
 * An in-process cache filled in batches: `prefetch` loads, in one call of `load`, only the ids the
 * cache lacks; ids `load` did not return get `fallback(id)` (deleted since, say) so they are not
 * asked for again. Past `maxCached` entries the cache starts over (a load is one indexed query).
 */
export function createPrefetchCache<V>(options: {
  maxCached: number;
  load: (missing: string[]) => Promise<Iterable<readonly [string, V]>>;
  fallback: (id: string) => V;
}) {
  const cache = new Map<string, V>();
  return {
    async prefetch(ids: Iterable<string>): Promise<void> {
      const missing = [...new Set(ids)].filter((id) => !cache.has(id));
      if (missing.length === 0) return;
      if (cache.size + missing.length > options.maxCached) cache.clear();
      for (const [id, value] of await options.load(missing)) cache.set(id, value);
      for (const id of missing) if (!cache.has(id)) cache.set(id, options.fallback(id));
    },
    get: (id: string): V | undefined => cache.get(id),
  };
}
