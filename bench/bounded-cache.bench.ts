/**
 * `@gatehouse/bounded-cache` once full: µs per insert (with an eviction) and read, at a small and a
 * large bound, next to a bare `Map` doing the same set/get/delete in the same run. An LRU whose cost
 * grows with its bound shows as a large/small ratio far above the Map's own.
 *
 *   npx node bench/bounded-cache.bench.ts [operations=200000]
 */
import { BoundedCache } from '@gatehouse/bounded-cache';

const operations = Number(process.argv[2] ?? 200_000);

function perOp(run: () => void): number {
  const started = performance.now();
  run();
  return ((performance.now() - started) * 1000) / operations;
}

function cache(bound: number): number {
  const lru = new BoundedCache<string, number>({ maxEntries: bound });
  for (let i = 0; i < bound; i++) lru.set(`warm${i}`, i);
  return perOp(() => {
    for (let i = 0; i < operations; i++) {
      lru.set(`k${i}`, i);
      lru.get(`k${i - 5}`);
    }
  });
}

function bareMap(bound: number): number {
  const map = new Map<string, number>();
  for (let i = 0; i < bound; i++) map.set(`k${i - bound}`, i);
  return perOp(() => {
    for (let i = 0; i < operations; i++) {
      map.set(`k${i}`, i);
      map.get(`k${i - 5}`);
      map.delete(`k${i - bound}`);
    }
  });
}

const rows: string[] = [];
for (const bound of [1_024, 65_536]) {
  const [lru, map] = [cache(bound), bareMap(bound)];
  rows.push(
    `${String(bound).padStart(6)}  ${lru.toFixed(2).padStart(8)}  ${map.toFixed(2).padStart(8)}  ${(lru / map).toFixed(2)}`,
  );
}
console.log(' bound  cache µs    Map µs  cache ÷ Map');
for (const row of rows) console.log(row);
