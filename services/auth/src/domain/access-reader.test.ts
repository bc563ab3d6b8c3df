import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { redisKeys, type SubscriberAccess } from '@gatehouse/contracts';
import { AccessReader, type RecordSource } from './access-reader.ts';
import { RecordCache } from './record-cache.ts';

/** In-memory double of our own RecordSource interface, counting reads. */
function memorySource(records: Map<string, unknown>) {
  const calls: string[][] = [];
  let gate: Promise<void> | undefined;
  let down = false;
  const source: RecordSource = {
    async getMany<T>(keys: readonly string[]) {
      calls.push([...keys]);
      if (gate) await gate;
      if (down) throw new Error('ECONNREFUSED');
      return keys.map((key) => records.get(key) as T | undefined);
    },
  };
  return {
    source,
    calls,
    hold() {
      let release!: () => void;
      gate = new Promise((resolve) => {
        release = resolve;
      });
      return () => {
        gate = undefined;
        release();
      };
    },
    setDown(value: boolean) {
      down = value;
    },
  };
}

const tenantId = randomUUID();
const subscriberId = randomUUID();
const episodeId = randomUUID();
const sub: SubscriberAccess = {
  tenantId,
  subscriberId,
  generation: 1,
  plans: [],
  lifecycle: 'none',
  version: 1,
};
const ages = { subscriberMaxAgeMs: 1000, policyMaxAgeMs: 5000 };

function setup(records = new Map<string, unknown>([[redisKeys.subscriber(subscriberId), sub]])) {
  let now = 1_000_000;
  const cache = new RecordCache({ maxEntries: 100, now: () => now });
  const memory = memorySource(records);
  const reader = new AccessReader({ source: memory.source, cache, ages });
  return { reader, memory, cache, records, advance: (ms: number) => (now += ms) };
}

describe('access reader', () => {
  test('one round trip for subscriber + tenant + episode, then served from memory until max age', async () => {
    const { reader, memory, advance } = setup();
    const first = await reader.readCore(tenantId, subscriberId, episodeId);
    assert.deepEqual(first.subscriber, sub);
    assert.equal(first.episode, undefined);
    assert.equal(memory.calls.length, 1);
    assert.equal(memory.calls[0]!.length, 3);
    await reader.readCore(tenantId, subscriberId, episodeId);
    assert.equal(memory.calls.length, 1, 'cached, including "missing"');
    advance(1000);
    await reader.readCore(tenantId, subscriberId, episodeId);
    assert.deepEqual(
      memory.calls[1],
      [redisKeys.subscriber(subscriberId)],
      'only the subscriber aged out at 1 s',
    );
    advance(4000);
    await reader.readCore(tenantId, subscriberId, episodeId);
    assert.equal(memory.calls[2]!.length, 3);
  });

  test('concurrent misses share one Redis read (single-flight)', async () => {
    const { reader, memory } = setup();
    const release = memory.hold();
    const reads = Array.from({ length: 50 }, () => reader.readCore(tenantId, subscriberId, episodeId));
    release();
    const results = await Promise.all(reads);
    assert.equal(memory.calls.length, 1);
    for (const result of results) assert.deepEqual(result.subscriber, sub);
  });

  test('invalidate drops entries and stops an in-flight read from re-inserting a stale value', async () => {
    const { reader, memory, records } = setup();
    await reader.readCore(tenantId, subscriberId, episodeId);
    records.set(redisKeys.subscriber(subscriberId), { ...sub, generation: 2 });
    reader.invalidate([redisKeys.subscriber(subscriberId)]);
    assert.equal((await reader.readCore(tenantId, subscriberId, episodeId)).subscriber?.generation, 2);

    const release = memory.hold();
    const inflight = reader.readCore(tenantId, subscriberId, undefined);
    records.set(redisKeys.subscriber(subscriberId), { ...sub, generation: 3 });
    reader.flush();
    release();
    await inflight;
    assert.equal((await reader.readCore(tenantId, subscriberId, undefined)).subscriber?.generation, 3);
  });

  test('Redis down rejects (never reads as "missing"); nothing is cached from a failed read', async () => {
    const { reader, memory } = setup();
    memory.setDown(true);
    await assert.rejects(reader.readCore(tenantId, subscriberId, episodeId), /ECONNREFUSED/);
    memory.setDown(false);
    assert.deepEqual((await reader.readCore(tenantId, subscriberId, episodeId)).subscriber, sub);
  });

  test('a missing subscriber goes to the cold path; without one it stays missing (deny)', async () => {
    const records = new Map<string, unknown>();
    const { reader } = setup(records);
    assert.equal((await reader.readCore(tenantId, subscriberId, episodeId)).subscriber, undefined);

    let coldCalls = 0;
    const cache = new RecordCache({ maxEntries: 100 });
    const withCold = new AccessReader({
      source: memorySource(records).source,
      cache,
      ages,
      cold: {
        async loadSubscriber(t, s) {
          coldCalls++;
          return t === tenantId && s === subscriberId ? sub : undefined;
        },
      },
    });
    const results = await Promise.all(
      Array.from({ length: 10 }, () => withCold.readCore(tenantId, subscriberId, episodeId)),
    );
    for (const result of results) assert.deepEqual(result.subscriber, sub);
    assert.equal(coldCalls, 1, 'cold path is single-flight');
  });

  test('the LRU stays bounded', async () => {
    const cache = new RecordCache({ maxEntries: 3 });
    for (let i = 0; i < 10; i++) cache.set(`k${i}`, i, Date.now() + 10_000);
    assert.equal(cache.size, 3);
    assert.equal(cache.get('k0'), undefined);
    assert.equal(cache.get<number>('k9')?.value, 9);
  });
});
