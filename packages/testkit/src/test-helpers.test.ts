import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StopWaiting, uniqueId, waitFor } from './test-helpers.ts';

describe('uniqueId', () => {
  test('is unique, prefixed and safe for stream names and keys', () => {
    const ids = new Set(Array.from({ length: 200 }, () => uniqueId('stream')));
    assert.equal(ids.size, 200);
    for (const id of ids) assert.match(id, /^stream-[a-z0-9]+-[0-9a-f]{8}$/);
  });

  test('rejects a prefix that would break those uses', () => {
    assert.throws(() => uniqueId('Bad.Prefix'), /prefix must match/);
  });
});

describe('waitFor', () => {
  test('returns the first truthy value, retrying throws and falsy results', async () => {
    let calls = 0;
    const value = await waitFor(
      () => {
        calls += 1;
        if (calls === 1) throw new Error('not yet');
        return calls >= 3 ? { calls } : undefined;
      },
      { intervalMs: 1 },
    );
    assert.deepEqual(value, { calls: 3 });
  });

  test('returns 0 and empty strings: only false, null and undefined mean "not yet"', async () => {
    assert.equal(await waitFor(() => 0), 0);
  });

  test('times out naming the condition, with the last error as cause', async () => {
    await assert.rejects(
      waitFor(
        () => {
          throw new Error('still down');
        },
        { timeoutMs: 30, intervalMs: 5, description: 'redis answers' },
      ),
      (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.match(error.message, /redis answers not met within 30ms/);
        assert.equal((error.cause as Error).message, 'still down');
        return true;
      },
    );
  });

  test('StopWaiting ends the wait at once, not at the timeout', async () => {
    const started = Date.now();
    let calls = 0;
    await assert.rejects(
      waitFor(
        () => {
          calls += 1;
          throw new StopWaiting('the process exited with code 1');
        },
        { timeoutMs: 10_000, intervalMs: 5 },
      ),
      (error: unknown) => error instanceof StopWaiting && /exited with code 1/.test(error.message),
    );
    assert.equal(calls, 1);
    assert.ok(Date.now() - started < 5_000);
  });
});
