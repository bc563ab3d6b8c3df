import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiKeyMatches, apiKeyPrefix, bearerToken, generateApiKey, hashApiKey } from './api-key.ts';

test('generated keys parse, hash and match; any change does not', () => {
  const { key, prefix, secretHash } = generateApiKey();
  assert.match(key, /^ghk_[a-f0-9]{12}_[A-Za-z0-9_-]{43}$/);
  assert.equal(apiKeyPrefix(key), prefix);
  assert.equal(secretHash, hashApiKey(key));
  assert.equal(apiKeyMatches(key, secretHash), true);
  const flipped = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
  assert.equal(apiKeyMatches(flipped, secretHash), false);
  assert.equal(apiKeyMatches(key, 'abcd'), false, 'a malformed stored hash never matches');
});

test('malformed keys and headers are rejected', () => {
  for (const bad of [
    '',
    'ghk_',
    'ghk_ABCDEF012345_x',
    `ghk_0123456789ab_${'a'.repeat(42)}`,
    `xx_0123456789ab_${'a'.repeat(43)}`,
  ]) {
    assert.equal(apiKeyPrefix(bad), undefined, bad);
  }
  assert.equal(bearerToken('Bearer abc'), 'abc');
  assert.equal(bearerToken('bearer  abc '), 'abc');
  assert.equal(bearerToken('Basic abc'), undefined);
  assert.equal(bearerToken('Bearer a b'), undefined);
  assert.equal(bearerToken(undefined), undefined);
});
