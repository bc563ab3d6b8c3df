import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errors } from './app-error.ts';
import { toHttpError } from './http-error-mapper.ts';

test('app errors keep code, status and message', () => {
  const mapped = toHttpError(errors.notFound('episode'));
  assert.equal(mapped.status, 404);
  assert.deepEqual(mapped.body, { error: { code: 'NOT_FOUND', message: 'episode not found' } });
});

test('framework validation errors become VALIDATION_FAILED with their message', () => {
  const mapped = toHttpError(
    Object.assign(new Error('body/title must be string'), { statusCode: 400, validation: [] }),
  );
  assert.deepEqual(mapped.body.error, { code: 'VALIDATION_FAILED', message: 'body/title must be string' });
});

test('unknown errors never leak their message', () => {
  const mapped = toHttpError(new Error('connect ECONNREFUSED 10.0.0.7:5432 password=secret'));
  assert.equal(mapped.status, 500);
  assert.deepEqual(mapped.body, { error: { code: 'INTERNAL', message: 'internal error' } });
  const internal = toHttpError(errors.internal(new Error('db exploded')));
  assert.equal(internal.body.error.message, 'internal error');
  assert.equal(internal.body.error.details, undefined);
});
