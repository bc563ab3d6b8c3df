import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { Redis } from 'ioredis';
import { createVersionedStore } from '../src/index.ts';

const url = process.env.REDIS_URL;
if (!url)
  throw new Error('REDIS_URL is not set: run the tests through `npm test` (it starts the local stack)');
const redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 1 });
after(() => redis.quit());

test('a record only moves forward by version, even under concurrent writers', async () => {
  const store = createVersionedStore(redis);
  const key = `test:versioned:${randomUUID()}`;
  assert.equal(await store.putIfNewer(key, { version: 2, state: 'b' }), true);
  assert.equal(await store.putIfNewer(key, { version: 1, state: 'a' }), false);
  assert.equal(await store.putIfNewer(key, { version: 2, state: 'replay' }), false);
  assert.deepEqual(await store.get(key), { version: 2, state: 'b' });

  const writes = Array.from({ length: 50 }, (_, index) =>
    store.putIfNewer(key, { version: 3 + index, state: index }),
  );
  await Promise.all(writes.reverse());
  assert.deepEqual(await store.get(key), { version: 52, state: 49 });
  await store.delete(key);
});

test('getMany reads several keys in one call and marks missing ones', async () => {
  const store = createVersionedStore(redis);
  const a = `test:versioned:${randomUUID()}`;
  await store.putIfNewer(a, { version: 1 }, 60_000);
  const [found, missing] = await store.getMany([a, `test:versioned:${randomUUID()}`]);
  assert.deepEqual(found, { version: 1 });
  assert.equal(missing, undefined);
  assert.ok((await redis.pttl(a)) > 0);
  await store.delete(a);
});
