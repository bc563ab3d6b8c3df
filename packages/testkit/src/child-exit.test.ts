import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, test } from 'node:test';
import { keepOutputTail, stopIfExited } from './child-exit.ts';
import { StopWaiting, waitFor } from './test-helpers.ts';

describe('stopIfExited', () => {
  test('a child that exits ends the wait at once, with its exit code and last output', async () => {
    const child = spawn(
      process.execPath,
      ['-e', 'for (let i = 1; i <= 30; i++) console.error("line " + i); process.exit(3)'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const tail = keepOutputTail(child, 5);
    await once(child, 'close');
    const started = Date.now();
    await assert.rejects(
      waitFor(
        () => {
          stopIfExited('demo', child, tail);
          return undefined;
        },
        { timeoutMs: 10_000 },
      ),
      (error: unknown) => {
        assert.ok(error instanceof StopWaiting);
        assert.match(error.message, /demo exited with code 3/);
        assert.match(error.message, /line 26\nline 27\nline 28\nline 29\nline 30$/);
        assert.doesNotMatch(error.message, /line 25\n/);
        return true;
      },
    );
    assert.ok(Date.now() - started < 5_000);
  });

  test('a running child passes', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 5000)'], { stdio: 'ignore' });
    try {
      assert.doesNotThrow(() => stopIfExited('demo', child));
    } finally {
      child.kill('SIGKILL');
      await once(child, 'close');
    }
    assert.throws(() => stopIfExited('demo', child), /demo exited with signal SIGKILL/);
  });
});
