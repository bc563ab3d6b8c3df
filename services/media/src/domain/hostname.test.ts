import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeHostname } from './hostname.ts';

test('normalizes valid host names', () => {
  assert.deepEqual(normalizeHostname('Pod.Example.COM.'), { ok: true, hostname: 'pod.example.com' });
  assert.deepEqual(normalizeHostname('bücher.example'), { ok: true, hostname: 'xn--bcher-kva.example' });
});

test('rejects what cannot be a custom domain', () => {
  for (const bad of [
    '',
    'localhost',
    'https://x.com',
    'x.com:443',
    'x.com/a',
    '10.0.0.1',
    '-a.com',
    'a-.com',
    'a..com',
    `${'a'.repeat(64)}.com`,
    'a_b.com',
    'x.localhost',
  ]) {
    assert.equal(normalizeHostname(bad).ok, false, bad);
  }
});
