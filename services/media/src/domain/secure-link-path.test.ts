import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { AppError } from '@gatehouse/errors';
import { canonicalIp, createSecureLinkIssuer } from './secure-link-issuer.ts';
import {
  SECURE_LINK_PATH_FORBIDDEN,
  SECURE_LINK_PATH_INVALID,
  tenantArea,
  tenantPrivateFileKey,
  tenantSecureLinkPath,
} from './secure-link-path.ts';

const me = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const other = '0190a1b2-c3d4-7e5f-8a9b-ffffffffffff';
const prefix = 'private/';

const rejects = (path: string, code: string, status: number) =>
  assert.throws(
    () => tenantSecureLinkPath({ path, prefix, tenantId: me }),
    (error: unknown) => error instanceof AppError && error.code === code && error.status === status,
    path,
  );

describe('secure link paths: only inside the tenant’s own private area', () => {
  test('own files are accepted as given', () => {
    assert.equal(tenantArea(prefix, me), `private/t/${me}/`);
    for (const path of [`private/t/${me}/a.pdf`, `private/t/${me}/reports/2026/q1-final_v2.mp3`]) {
      assert.equal(tenantSecureLinkPath({ path, prefix, tenantId: me }), path);
    }
  });

  test('traversal, encoded characters and non-normal paths → 400 SECURE_LINK_PATH_INVALID', () => {
    for (const path of [
      `private/t/${me}/../${other}/a.pdf`,
      `private/t/${me}/./a.pdf`,
      `private/t/${me}/..`,
      `private/t/${me}//a.pdf`,
      `private/t/${me}/a.pdf/`,
      `/private/t/${me}/a.pdf`,
      `private/t/${me}/%2e%2e/a.pdf`,
      `private/t/${me}%2Fa.pdf`,
      `private/t/${me}/a%20b.pdf`,
      `private\\t\\${me}\\a.pdf`,
      `private/t/${me}/.partial`,
      `private/t/${me}/a b.pdf`,
      `private/t/${me}/a.pdf?x=1`,
      `private/t/${me}/a\u0000.pdf`,
      `private/t/${me}/é.pdf`,
      `private/t/${me}/${'a'.repeat(256)}`,
      '',
    ]) {
      rejects(path, SECURE_LINK_PATH_INVALID, 400);
    }
  });

  test('another tenant, another prefix, the area itself or a look-alike → 403 SECURE_LINK_PATH_FORBIDDEN', () => {
    for (const path of [
      `private/t/${other}/a.pdf`,
      `private/t/${me}`,
      `private/t/${me}x/a.pdf`,
      `private/t/${me.toUpperCase()}/a.pdf`,
      `public/t/${me}/a.pdf`,
      `privatex/t/${me}/a.pdf`,
      `private/${me}/a.pdf`,
      'private/a.pdf',
      `t/${me}/a.pdf`,
    ]) {
      rejects(path, SECURE_LINK_PATH_FORBIDDEN, 403);
    }
  });

  test('uploaded files land in the area; a relative path cannot leave it', () => {
    assert.equal(
      tenantPrivateFileKey({ relativePath: 'docs/a.pdf', prefix, tenantId: me }),
      `private/t/${me}/docs/a.pdf`,
    );
    for (const relativePath of ['../a.pdf', `../${other}/a.pdf`, '/etc/passwd', 'a/./b', 'a//b', '%2e%2e/a'])
      assert.throws(
        () => tenantPrivateFileKey({ relativePath, prefix, tenantId: me }),
        (error: unknown) => error instanceof AppError && error.code === SECURE_LINK_PATH_INVALID,
        relativePath,
      );
  });
});

describe('secure link issuer', () => {
  const secret = 'unit-test-secure-link-secret-01';
  const now = () => 1_800_000_000_500;
  const issue = createSecureLinkIssuer({
    secret,
    prefix,
    bindClientIp: false,
    publicBaseUrl: 'https://media.example.com/',
    now,
  });

  test('signs exactly what nginx hashes: expires + $uri + " " + secret', () => {
    const link = issue(me, { path: `private/t/${me}/a.pdf`, expiresInSeconds: 60 });
    const expires = 1_800_000_060;
    const md5 = createHash('md5').update(`${expires}/s/private/t/${me}/a.pdf ${secret}`).digest('base64url');
    assert.equal(link.url, `https://media.example.com/s/private/t/${me}/a.pdf?md5=${md5}&expires=${expires}`);
    assert.equal(link.expiresAt, expires * 1000);
  });

  test('refuses foreign paths, out-of-bounds lifetimes and an IP the edge would not check', () => {
    assert.throws(() => issue(me, { path: `private/t/${other}/a.pdf`, expiresInSeconds: 60 }), {
      code: SECURE_LINK_PATH_FORBIDDEN,
    });
    for (const expiresInSeconds of [0, -1, 7 * 24 * 3600 + 1, 1.5])
      assert.throws(() => issue(me, { path: `private/t/${me}/a.pdf`, expiresInSeconds }), {
        code: 'VALIDATION_FAILED',
      });
    assert.throws(
      () => issue(me, { path: `private/t/${me}/a.pdf`, expiresInSeconds: 60, clientIp: '1.2.3.4' }),
      {
        code: 'SECURE_LINK_CLIENT_IP_UNSUPPORTED',
      },
    );
  });

  test('with client IP binding the address is part of the hash, in nginx’s spelling', () => {
    const bound = createSecureLinkIssuer({
      secret,
      prefix,
      bindClientIp: true,
      publicBaseUrl: 'http://e',
      now,
    });
    assert.throws(() => bound(me, { path: `private/t/${me}/a.pdf`, expiresInSeconds: 60 }), {
      code: 'SECURE_LINK_CLIENT_IP_REQUIRED',
    });
    const link = bound(me, {
      path: `private/t/${me}/a.pdf`,
      expiresInSeconds: 60,
      clientIp: '2001:DB8:0:0::1',
    });
    const md5 = createHash('md5')
      .update(`1800000060/s/private/t/${me}/a.pdf2001:db8::1 ${secret}`)
      .digest('base64url');
    assert.ok(link.url.includes(`md5=${md5}&`));
    assert.equal(canonicalIp('10.0.0.1'), '10.0.0.1');
    assert.equal(canonicalIp('::FFFF:10.0.0.1'), '::ffff:10.0.0.1');
    for (const bad of ['010.0.0.1', 'localhost', '1.2.3', '::g'])
      assert.throws(() => canonicalIp(bad), { code: 'VALIDATION_FAILED' }, bad);
  });
});
