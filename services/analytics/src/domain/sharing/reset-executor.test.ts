import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errors } from '@gatehouse/errors';
import { createResetExecutor, type DueReset, MAX_RESET_ATTEMPTS, type ResetStore } from './reset-executor.ts';

/** An in-memory double of the reset store, with a subscriber whose generation billing bumps. */
function world(options: { rotateFails?: Error; crashAfterRotate?: boolean } = {}) {
  const reset: DueReset & { done: boolean; failed: boolean; error: string | null } = {
    alertId: 'a1',
    tenantId: 't1',
    subscriberId: 's1',
    state: 'pending',
    fromGeneration: null,
    generation: null,
    attempts: 0,
    done: false,
    failed: false,
    error: null,
  };
  let generation = 1;
  const rotations: number[] = [];
  const mails: string[] = [];
  let crash = options.crashAfterRotate ?? false;
  const store: ResetStore = {
    async claimDue() {
      return reset.done || reset.failed ? [] : [{ ...reset }];
    },
    async currentGeneration() {
      return generation;
    },
    async recordFromGeneration(_id, from) {
      reset.fromGeneration = from;
    },
    async markRotated(_id, to) {
      if (crash) {
        crash = false;
        throw new Error('crashed after billing answered');
      }
      reset.state = 'rotated';
      reset.generation = to;
    },
    async recipient(_subscriber, to) {
      return {
        email: 'l@x.test',
        tenantName: 'T',
        feeds: [{ title: 'S', url: `https://e/f/gen${to}/s.xml` }],
        portalUrl: 'https://e/portal',
      };
    },
    async complete() {
      reset.done = true;
    },
    async retryLater(_id, attempts, error) {
      reset.attempts = attempts;
      reset.error = error;
    },
    async fail(_id, attempts, error) {
      reset.attempts = attempts;
      reset.failed = true;
      reset.error = error;
    },
  };
  const executor = createResetExecutor({
    store,
    rotator: {
      async rotate() {
        if (options.rotateFails) throw options.rotateFails;
        generation += 1;
        rotations.push(generation);
        return generation;
      },
    },
    mailer: {
      async send(mail) {
        mails.push(mail.text);
      },
    },
  });
  return { reset, executor, rotations, mails };
}

test('a reset rotates once, mails the new link, completes; later rounds do nothing', async () => {
  const w = world();
  assert.equal(await w.executor.runOnce(), 1);
  assert.equal(await w.executor.runOnce(), 0);
  assert.deepEqual(w.rotations, [2]);
  assert.equal(w.mails.length, 1);
  assert.match(w.mails[0]!, /gen2/);
  assert.equal(w.reset.fromGeneration, 1);
});

test("a crash between billing's answer and our write does not rotate a second time", async () => {
  const w = world({ crashAfterRotate: true });
  assert.equal(await w.executor.runOnce(), 0);
  assert.equal(w.reset.attempts, 1);
  assert.equal(await w.executor.runOnce(), 1);
  assert.deepEqual(w.rotations, [2], 'the retry saw generation 2 > 1 and did not rotate again');
  assert.match(w.mails[0]!, /gen2/);
});

test('billing down: retried with the error recorded, failed after the last attempt; a missing subscriber fails at once', async () => {
  const down = world({ rotateFails: errors.dependencyUnavailable('billing') });
  for (let i = 0; i < MAX_RESET_ATTEMPTS; i++) await down.executor.runOnce();
  assert.equal(down.reset.failed, true);
  assert.equal(down.reset.attempts, MAX_RESET_ATTEMPTS);
  assert.equal(down.mails.length, 0);
  const gone = world({ rotateFails: errors.notFound('subscriber') });
  await gone.executor.runOnce();
  assert.equal(gone.reset.failed, true);
  assert.equal(gone.reset.attempts, 1);
});
