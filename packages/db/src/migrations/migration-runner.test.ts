import assert from 'node:assert/strict';
import { test } from 'node:test';
import { oneLineError } from './migration-runner.ts';

test('oneLineError keeps the first non-empty line and the driver code', () => {
  assert.equal(oneLineError(new Error('\n  P3009\n\nmigrate found failed migrations')), 'P3009');
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
  assert.equal(oneLineError(refused), 'connect ECONNREFUSED 127.0.0.1:1');
  const missing = Object.assign(new Error('database "x" does not exist'), { code: '3D000' });
  assert.equal(oneLineError(missing), 'database "x" does not exist (3D000)');
});

test('oneLineError unwraps AggregateError (empty message) and plain values', () => {
  const agg = new AggregateError([new Error('connect ECONNREFUSED ::1:5432'), new Error('second')], '');
  assert.equal(oneLineError(agg), 'connect ECONNREFUSED ::1:5432');
  assert.equal(oneLineError('boom\nmore'), 'boom');
  assert.equal(oneLineError(undefined), 'undefined');
});
