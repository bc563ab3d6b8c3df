import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createAttemptLimiter } from './attempt-limiter.ts';
import { buildCookie, clearCookie, readCookie, secureCookiesFor } from './cookies.ts';
import { csrfMatches, csrfTokenFor, isSafeMethod } from './csrf.ts';
import { constantTimeEqual, isSecretShaped, matchesHash, newSecret, sha256Hex } from './secrets.ts';

test('secrets are 256-bit base64url, distinct, and only their hash is comparable', () => {
  const a = newSecret();
  const b = newSecret();
  assert.match(a, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a, b);
  assert.ok(isSecretShaped(a));
  assert.ok(!isSecretShaped(`${a}x`) && !isSecretShaped(undefined) && !isSecretShaped('a b'));
  assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.ok(matchesHash(a, sha256Hex(a)));
  assert.ok(!matchesHash(b, sha256Hex(a)));
  assert.ok(!matchesHash(a, 'not-hex'));
  assert.ok(constantTimeEqual(a, a) && !constantTimeEqual(a, b) && !constantTimeEqual(a, ''));
});

test('cookies: HttpOnly, SameSite=Lax, Path=/, Secure only for an https base URL', () => {
  assert.equal(secureCookiesFor('https://gatehouse.example'), true);
  assert.equal(secureCookiesFor('http://127.0.0.1:58080'), false);
  assert.equal(
    buildCookie('gh_studio', 'abc', { maxAgeSeconds: 60, secure: true }),
    'gh_studio=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=60; Secure',
  );
  assert.equal(
    buildCookie('gh_portal', 'abc', { maxAgeSeconds: 60, path: '/portal', secure: false }),
    'gh_portal=abc; Path=/portal; HttpOnly; SameSite=Lax; Max-Age=60',
  );
  assert.equal(
    clearCookie('gh_studio', { secure: false }),
    'gh_studio=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0',
  );
  assert.throws(() => buildCookie('gh', 'a;b', { maxAgeSeconds: 1, secure: false }));
  assert.equal(readCookie('a=1; gh_studio=xyz; b=2', 'gh_studio'), 'xyz');
  assert.equal(readCookie('gh_studiox=1', 'gh_studio'), undefined);
  assert.equal(readCookie(undefined, 'gh_studio'), undefined);
});

test('CSRF tokens are bound to their session secret', () => {
  const secret = newSecret();
  const token = csrfTokenFor(secret);
  assert.equal(token, csrfTokenFor(secret));
  assert.ok(csrfMatches(secret, token));
  assert.ok(!csrfMatches(newSecret(), token));
  assert.ok(!csrfMatches(secret, undefined));
  assert.ok(isSafeMethod('GET') && isSafeMethod('HEAD') && !isSafeMethod('POST') && !isSafeMethod('DELETE'));
});

test('the attempt limiter allows `limit` per window per key, then says when to retry', () => {
  let now = 0;
  const limiter = createAttemptLimiter({ limit: 2, windowMs: 60_000, now: () => now });
  assert.deepEqual(limiter.attempt('a'), { allowed: true });
  assert.deepEqual(limiter.attempt('a'), { allowed: true });
  assert.deepEqual(limiter.attempt('b'), { allowed: true });
  now = 10_000;
  assert.deepEqual(limiter.attempt('a'), { allowed: false, retryAfterSeconds: 50 });
  now = 60_000;
  assert.deepEqual(limiter.attempt('a'), { allowed: true });
});
