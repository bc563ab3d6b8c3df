import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BoundedCache } from './bounded-cache.ts';

const keysOf = (cache: BoundedCache<string, unknown>, candidates: readonly string[]) =>
  candidates.filter((key) => cache.has(key));

test('evicts the least recently used entry first; a read makes an entry young', () => {
  const cache = new BoundedCache<string, number>({ maxEntries: 3 });
  cache.set('a', 1);
  cache.set('b', 2);
  cache.set('c', 3);
  assert.equal(cache.get('a'), 1); // order now b, c, a
  cache.set('d', 4); // evicts b
  assert.deepEqual(keysOf(cache, ['a', 'b', 'c', 'd']), ['a', 'c', 'd']);
  cache.set('c', 30); // re-set makes c young: order a, d, c
  cache.set('e', 5); // evicts a
  assert.deepEqual(keysOf(cache, ['a', 'c', 'd', 'e']), ['c', 'd', 'e']);
  assert.equal(cache.get('c'), 30);
});

test('peek and has do not change the eviction order', () => {
  const cache = new BoundedCache<string, number>({ maxEntries: 2 });
  cache.set('a', 1);
  cache.set('b', 2);
  assert.equal(cache.peek('a')?.value, 1);
  assert.equal(cache.has('a'), true);
  cache.set('c', 3);
  assert.equal(cache.get('a'), undefined, 'a was still the oldest');
  assert.equal(cache.get('b'), 2);
});

test('never holds more than maxEntries, whatever the sequence of operations', () => {
  const cache = new BoundedCache<number, number>({ maxEntries: 7 });
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed;
  };
  for (let i = 0; i < 5_000; i++) {
    const key = random() % 50;
    const op = random() % 10;
    if (op < 6) cache.set(key, i);
    else if (op < 9) cache.get(key);
    else cache.delete(key);
    assert.ok(cache.size <= 7, `size ${cache.size} after operation ${i}`);
  }
  assert.equal(cache.size, 7, 'it fills up to the bound');
});

test('capacity 1 holds the last entry set', () => {
  const cache = new BoundedCache<string, string>({ maxEntries: 1 });
  cache.set('a', 'A');
  cache.set('b', 'B');
  assert.equal(cache.size, 1);
  assert.equal(cache.get('a'), undefined);
  assert.equal(cache.get('b'), 'B');
  cache.set('b', 'B2');
  assert.equal(cache.get('b'), 'B2');
  assert.throws(() => new BoundedCache({ maxEntries: 0 }), RangeError);
  assert.throws(() => new BoundedCache({ maxEntries: 1.5 }), RangeError);
});

test('entries expire after the cache TTL, a per-entry TTL or an absolute expiry', () => {
  let now = 1_000;
  const cache = new BoundedCache<string, string>({ maxEntries: 10, ttlMs: 100, now: () => now });
  cache.set('default', 'd');
  cache.set('short', 's', { ttlMs: 10 });
  cache.set('absolute', 'x', { expiresAt: 1_050 });
  now = 1_009;
  assert.equal(cache.get('short'), 's');
  now = 1_010;
  assert.equal(cache.get('short'), undefined, 'expired at exactly its expiry');
  assert.equal(cache.entry('absolute')?.expiresAt, 1_050);
  now = 1_050;
  assert.equal(cache.get('absolute'), undefined);
  assert.equal(cache.get('default'), 'd');
  now = 1_100;
  assert.equal(cache.get('default'), undefined);
  assert.equal(cache.size, 0, 'an expired entry is dropped when read');
  assert.equal(
    cache.get('default', 1_000),
    undefined,
    'a dropped entry does not come back for an earlier now',
  );
});

test('an expiry not in the future stores nothing and drops the previous value', () => {
  let now = 500;
  const cache = new BoundedCache<string, number>({ maxEntries: 10, now: () => now });
  assert.equal(cache.set('a', 1), true);
  assert.equal(cache.entry('a')?.expiresAt, Number.POSITIVE_INFINITY, 'no TTL: never expires');
  assert.equal(cache.set('a', 2, { expiresAt: 500 }), false);
  assert.equal(cache.get('a'), undefined);
  assert.equal(cache.set('b', 1, { ttlMs: 0 }), false);
  assert.equal(cache.size, 0);
  now = 10_000_000;
  cache.set('c', 3);
  assert.equal(cache.get('c'), 3);
});

test('a stored undefined or null is a hit through entry()', () => {
  const cache = new BoundedCache<string, number | null | undefined>({ maxEntries: 2 });
  cache.set('missing', undefined);
  cache.set('none', null);
  assert.deepEqual(cache.entry('missing')?.value, undefined);
  assert.notEqual(cache.entry('missing'), undefined);
  assert.equal(cache.entry('none')?.value, null);
  assert.equal(cache.entry('other'), undefined);
});

test('the weight bound evicts oldest entries and refuses one heavier than the bound', () => {
  const cache = new BoundedCache<string, string>({ maxEntries: 100, maxWeight: 10 });
  cache.set('a', 'a', { weight: 4 });
  cache.set('b', 'b', { weight: 4 });
  assert.equal(cache.weight, 8);
  cache.set('c', 'c', { weight: 4 }); // 12 > 10: a goes
  assert.deepEqual(keysOf(cache, ['a', 'b', 'c']), ['b', 'c']);
  assert.equal(cache.weight, 8);
  assert.equal(cache.set('huge', 'h', { weight: 11 }), false);
  assert.equal(cache.weight, 8, 'a refused entry evicts nothing');
  cache.set('b', 'b2', { weight: 1 });
  assert.equal(cache.weight, 5, 'replacing an entry replaces its weight');
  cache.delete('c');
  assert.equal(cache.weight, 1);
  cache.clear();
  assert.equal(cache.weight, 0);
  assert.equal(cache.size, 0);
});

test('delete, deleteWhere and clear', () => {
  const cache = new BoundedCache<string, number>({ maxEntries: 10 });
  for (const key of ['s1|a', 's1|b', 's2|a', 's10|a']) cache.set(key, 1);
  assert.equal(cache.delete('s2|a'), true);
  assert.equal(cache.delete('s2|a'), false);
  assert.equal(
    cache.deleteWhere((key) => key.startsWith('s1|')),
    2,
  );
  assert.deepEqual(keysOf(cache, ['s1|a', 's1|b', 's10|a']), ['s10|a']);
  cache.clear();
  assert.equal(cache.size, 0);
  assert.equal(cache.get('s10|a'), undefined);
});

test('deleting from the middle, the ends and with clear keeps the recency order intact', () => {
  const cache = new BoundedCache<string, number>({ maxEntries: 3 });
  for (const [key, value] of [
    ['a', 1],
    ['b', 2],
    ['c', 3],
  ] as const)
    cache.set(key, value);
  assert.equal(cache.delete('b'), true); // middle
  cache.set('d', 4); // order a, c, d
  cache.set('e', 5); // evicts a
  assert.deepEqual(keysOf(cache, ['a', 'c', 'd', 'e']), ['c', 'd', 'e']);
  assert.equal(cache.delete('e'), true); // newest
  assert.equal(cache.delete('c'), true); // oldest
  cache.set('f', 6);
  cache.set('g', 7); // d, f, g: full, nothing evicted yet
  assert.deepEqual(keysOf(cache, ['d', 'f', 'g']), ['d', 'f', 'g']);
  cache.get('d'); // f, g, d
  cache.set('h', 8); // evicts f
  assert.deepEqual(keysOf(cache, ['d', 'f', 'g', 'h']), ['d', 'g', 'h']);
  cache.clear();
  cache.set('x', 1);
  cache.set('y', 2);
  cache.set('z', 3);
  cache.set('w', 4); // evicts x, the oldest after the clear
  assert.deepEqual(keysOf(cache, ['x', 'y', 'z', 'w']), ['y', 'z', 'w']);
  assert.equal(
    cache.deleteWhere((key) => key !== 'z'),
    2,
  );
  cache.set('v', 5);
  assert.deepEqual(keysOf(cache, ['z', 'v']), ['z', 'v']);
  assert.equal(cache.size, 2);
});
