import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPrefetchCache } from './prefetch-cache.ts';

test('loads only missing ids once, falls back for ids the load lacks, starts over past the bound', async () => {
  const loads: string[][] = [];
  const cache = createPrefetchCache<string>({
    maxCached: 3,
    async load(missing) {
      loads.push(missing);
      return missing.filter((id) => id !== 'gone').map((id) => [id, `v:${id}`] as const);
    },
    fallback: (id) => `unknown:${id}`,
  });
  await cache.prefetch(['a', 'gone', 'a']);
  assert.equal(cache.get('a'), 'v:a');
  assert.equal(cache.get('gone'), 'unknown:gone');
  await cache.prefetch(['a', 'gone']);
  assert.deepEqual(loads, [['a', 'gone']], 'cached ids are not loaded again');
  await cache.prefetch(['b', 'c']);
  assert.deepEqual(loads.at(-1), ['b', 'c']);
  assert.equal(cache.get('a'), undefined, 'past the bound the cache started over');
  assert.equal(cache.get('c'), 'v:c');
});
