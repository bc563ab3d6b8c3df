import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { stackEnv, uniqueId } from '../src/index.ts';

test('redis of the local stack stores and returns a value (ioredis)', async () => {
  const redis = new Redis(stackEnv().redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    const key = uniqueId('testkit');
    assert.equal(await redis.set(key, 'v1', 'PX', 10_000), 'OK');
    assert.equal(await redis.get(key), 'v1');
    const ttl = await redis.pttl(key);
    assert.ok(ttl > 0 && ttl <= 10_000, `ttl ${ttl}`);
    assert.equal(await redis.del(key), 1);
    assert.equal(await redis.get(key), null);
  } finally {
    redis.disconnect();
  }
});
