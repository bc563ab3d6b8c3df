import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ListenState } from '../domain/counting/index.ts';
import { createListenStateCache } from './listen-state-cache.ts';

const listen = (listenerKey: string, covered: [number, number][] = []): ListenState => ({
  tenantId: 't',
  episodeId: 'e',
  day: '2026-12-01',
  listenerKey,
  app: 'Overcast',
  tier: 'public',
  thresholdBytes: 100,
  covered,
  firstAt: '2026-12-01T10:00:00.000Z',
  countedAt: null,
});

describe('listen state cache', () => {
  test('knows nothing at first', () => {
    const cache = createListenStateCache(10);
    assert.equal(cache.at(), undefined);
    assert.equal(cache.has('a'), false);
  });
  test('states read or written at the same cursor are kept together', () => {
    const cache = createListenStateCache(10);
    cache.read(5, new Map([['a', listen('a')]]));
    cache.wrote(9, new Map([['b', listen('b', [[0, 10]])]]));
    cache.read(9, new Map([['c', listen('c')]]));
    assert.equal(cache.at(), 9);
    assert.deepEqual(['a', 'b', 'c'].map(cache.has), [true, true, true]);
    assert.deepEqual(cache.get('b')?.covered, [[0, 10]]);
  });
  test('a read at another cursor drops what was cached before (another writer was there)', () => {
    const cache = createListenStateCache(10);
    cache.wrote(9, new Map([['a', listen('a')]]));
    cache.read(12, new Map([['b', listen('b')]]));
    assert.equal(cache.has('a'), false);
    assert.equal(cache.has('b'), true);
    assert.equal(cache.at(), 12);
  });
  test('clear forgets the cursor too; past the bound it starts empty at the new cursor', () => {
    const cache = createListenStateCache(2);
    cache.wrote(3, new Map([['a', listen('a')]]));
    cache.clear();
    assert.equal(cache.at(), undefined);
    assert.equal(cache.has('a'), false);
    cache.wrote(4, new Map([['a', listen('a')]]));
    cache.wrote(
      5,
      new Map([
        ['b', listen('b')],
        ['c', listen('c')],
      ]),
    );
    assert.equal(cache.at(), 5);
    assert.deepEqual(['a', 'b', 'c'].map(cache.has), [false, true, true]);
  });
});
