import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { issueAccessToken, verifyAccessToken } from './access-token.ts';
import { issueDownloadToken, verifyDownloadToken } from './download-token.ts';
import { parseKeyring } from './keyring.ts';

const secret = () => randomBytes(32).toString('base64url');
const [k1, k2] = [secret(), secret()];
const keyring = parseKeyring(`k1:${k1}`, 'k1');
const claims = { tenantId: randomUUID(), subscriberId: randomUUID(), generation: 7 };

describe('access token', () => {
  test('round-trips and carries no personal data', () => {
    const token = issueAccessToken(keyring, claims);
    assert.match(token, /^[A-Za-z0-9_-]+$/);
    assert.deepEqual(verifyAccessToken(keyring, token), { ok: true, kid: 'k1', claims });
  });

  test('every single-bit flip is rejected', () => {
    const bytes = Buffer.from(issueAccessToken(keyring, claims), 'base64url');
    for (let bit = 0; bit < bytes.length * 8; bit++) {
      const copy = Buffer.from(bytes);
      copy[bit >> 3]! ^= 1 << (bit & 7);
      assert.equal(verifyAccessToken(keyring, copy.toString('base64url')).ok, false, `bit ${bit}`);
    }
  });

  test('truncated, extended, non-canonical and foreign tokens are rejected', () => {
    const token = issueAccessToken(keyring, claims);
    for (const bad of [
      token.slice(0, -1),
      `${token}A`,
      '',
      'x'.repeat(300),
      `${token.slice(0, -1)}%`,
      token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
    ]) {
      assert.equal(verifyAccessToken(keyring, bad).ok, false, bad);
    }
    const other = parseKeyring(`k1:${k2}`, 'k1');
    assert.deepEqual(verifyAccessToken(other, token), { ok: false, reason: 'bad_signature' });
  });

  test('keys rotate by key id: old tokens verify while their key is listed', () => {
    const old = issueAccessToken(keyring, claims);
    const rotated = parseKeyring(`k1:${k1},k2:${k2}`, 'k2');
    const fresh = issueAccessToken(rotated, claims);
    assert.equal(verifyAccessToken(rotated, old).ok, true);
    assert.deepEqual(verifyAccessToken(rotated, fresh), { ok: true, kid: 'k2', claims });
    assert.deepEqual(verifyAccessToken(parseKeyring(`k2:${k2}`, 'k2'), old), {
      ok: false,
      reason: 'unknown_key',
    });
  });

  test('keyring configuration errors are explicit', () => {
    assert.throws(() => parseKeyring('k1:short', 'k1'), /at least 32 bytes/);
    assert.throws(() => parseKeyring(`k1:${k1}`, 'k9'), /not in the keyring/);
    assert.throws(() => parseKeyring(`bad-id:${k1}`, 'bad-id'), /1–8 letters/);
  });
});

describe('download token', () => {
  test('is bound to an episode and expires', () => {
    const episodeId = randomUUID();
    const token = issueDownloadToken(keyring, { ...claims, episodeId, expiresAt: 1_000 });
    assert.deepEqual(verifyDownloadToken(keyring, token, 999), {
      ok: true,
      claims: { ...claims, episodeId, expiresAt: 1_000 },
    });
    assert.deepEqual(verifyDownloadToken(keyring, token, 1_000), { ok: false, reason: 'expired' });
    assert.equal(verifyAccessToken(keyring, token).ok, false, 'a download token is not an access token');
  });
});
