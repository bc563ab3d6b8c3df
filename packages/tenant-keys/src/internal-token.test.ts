import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAppError } from '@gatehouse/errors';
import { createInternalTokenVerifier, internalAuthorization } from './internal-token.ts';

const TOKEN = 'internal-test-token-0123456789abcdef';

const statusOf = (verify: () => void): number | 'ok' => {
  try {
    verify();
    return 'ok';
  } catch (error) {
    assert.ok(isAppError(error));
    return error.status;
  }
};

test('only `Bearer <token>` passes; missing, other scheme, wrong or near-miss tokens are 401', () => {
  const { verify } = createInternalTokenVerifier(TOKEN);
  assert.equal(
    statusOf(() => verify(internalAuthorization(TOKEN))),
    'ok',
  );
  assert.equal(
    statusOf(() => verify(`bearer ${TOKEN}`)),
    'ok',
  );
  for (const bad of [
    undefined,
    '',
    TOKEN,
    `Basic ${TOKEN}`,
    `Bearer ${TOKEN}x`,
    `Bearer ${TOKEN.slice(0, -1)}`,
    `Bearer ${TOKEN.slice(0, -1)}X`,
    `Bearer ${TOKEN} extra`,
  ]) {
    assert.equal(
      statusOf(() => verify(bad)),
      401,
      String(bad),
    );
  }
});

test('a token shorter than 32 characters is refused at construction', () => {
  assert.throws(() => createInternalTokenVerifier('short'), RangeError);
  assert.throws(() => createInternalTokenVerifier('x'.repeat(31)), RangeError);
  assert.doesNotThrow(() => createInternalTokenVerifier('x'.repeat(32)));
});
