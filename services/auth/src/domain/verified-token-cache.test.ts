import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VerifiedTokenCache } from './verified-token-cache.ts';

test('remembers successes only, and stays bounded', () => {
  const cache = new VerifiedTokenCache<string>(2);
  let calls = 0;
  const verify = (token: string) => {
    calls++;
    return token.startsWith('good') ? `claims:${token}` : undefined;
  };
  assert.equal(cache.verify('good1', verify), 'claims:good1');
  assert.equal(cache.verify('good1', verify), 'claims:good1');
  assert.equal(calls, 1, 'a verified token is not verified again');
  assert.equal(cache.verify('forged', verify), undefined);
  assert.equal(cache.verify('forged', verify), undefined);
  assert.equal(calls, 3, 'a failing token is verified (and refused) every time');
  cache.verify('good2', verify);
  cache.verify('good3', verify);
  assert.equal(cache.size, 2);
  cache.verify('good1', verify);
  assert.equal(calls, 6, 'the oldest entry was dropped');
  assert.throws(() => new VerifiedTokenCache(0), RangeError);
});
