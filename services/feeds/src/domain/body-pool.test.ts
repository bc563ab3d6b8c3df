import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BodyPool } from './body-pool.ts';

test('a buffer comes back only after release, and only once', () => {
  const pool = new BodyPool();
  const a = pool.acquire(1000);
  const b = pool.acquire(1000);
  assert.notEqual(a, b, 'two bodies in flight never share a buffer');
  pool.release(a);
  pool.release(a);
  const c = pool.acquire(1000);
  assert.equal(c, a, 'reused after release');
  assert.notEqual(pool.acquire(1000), a, 'a double release did not put it in twice');
  assert.equal(pool.acquire(2000).length, 2000, 'sizes are exact');
});

test('buffers the pool did not create are never taken in; caps bound what it keeps', () => {
  const pool = new BodyPool({ maxFreeBytes: 2500, maxPerSize: 2 });
  const shared = Buffer.alloc(1000);
  pool.release(shared);
  assert.notEqual(pool.acquire(1000), shared, 'a shared template buffer is never handed out');
  const held = [pool.acquire(1000), pool.acquire(1000), pool.acquire(1000)];
  for (const buffer of held) pool.release(buffer);
  assert.equal(pool.freeBytes, 2000, 'at most maxPerSize per size');
  pool.release(pool.acquire(1000));
  const big = pool.acquire(600);
  pool.release(big);
  assert.equal(pool.freeBytes, 2000, 'never beyond maxFreeBytes');
});
