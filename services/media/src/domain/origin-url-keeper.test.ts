import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OriginUrl } from '@gatehouse/contracts';
import { createOriginUrlKeeper, type OriginUrlStore } from './origin-url-keeper.ts';

function memoryStore(): OriginUrlStore & { records: Map<string, OriginUrl> } {
  const records = new Map<string, OriginUrl>();
  return {
    records,
    get: async (key) => records.get(key),
    getMany: async (keys) => keys.map((key) => records.get(key)),
    put: async (record) => {
      records.set(record.objectKey, record);
    },
  };
}

test('signs once per key for concurrent requests and reuses a URL until half its life is gone', async () => {
  let clock = 1_000_000;
  let signed = 0;
  const store = memoryStore();
  const keeper = createOriginUrlKeeper({
    store,
    ttlMs: 6 * 3600_000,
    now: () => clock,
    presign: async (key, ttlSeconds) => {
      signed++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { url: `https://s3/${key}?n=${signed}`, expiresAt: clock + ttlSeconds * 1000 };
    },
  });
  const results = await Promise.all(Array.from({ length: 20 }, () => keeper.ensure('t/a/f.mp3')));
  assert.equal(signed, 1);
  assert.ok(results.every((result) => result.url === results[0]?.url));
  clock += 2 * 3600_000;
  assert.equal((await keeper.ensure('t/a/f.mp3')).url, results[0]?.url, 'still more than half left');
  clock += 1.5 * 3600_000;
  const renewed = await keeper.ensure('t/a/f.mp3');
  assert.equal(signed, 2);
  assert.equal(renewed.expiresAt, clock + 6 * 3600_000);
  assert.deepEqual(store.records.get('t/a/f.mp3'), renewed);
});

test('sweep refreshes recent and extra keys that are missing or past half-life, and reports failures', async () => {
  let clock = 0;
  const store = memoryStore();
  const keeper = createOriginUrlKeeper({
    store,
    ttlMs: 1000,
    now: () => clock,
    presign: async (key, ttlSeconds) => {
      if (key === 'bad') throw new Error('signing failed');
      return { url: `u:${key}:${clock}`, expiresAt: clock + ttlSeconds * 1000 };
    },
  });
  await keeper.ensure('a');
  assert.deepEqual(await keeper.sweep(['b', 'bad']), { checked: 3, refreshed: 1, failed: 1 });
  clock = 600;
  assert.deepEqual(await keeper.sweep(['b']), { checked: 2, refreshed: 2, failed: 0 });
  assert.equal(store.records.get('a')?.url, 'u:a:600');
});
