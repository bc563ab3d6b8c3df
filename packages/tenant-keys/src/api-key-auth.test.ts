import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errors, isAppError } from '@gatehouse/errors';
import { apiKeyAuthenticator, authenticateTenant, type TenantSessionAuthenticator } from './api-key-auth.ts';
import type { ApiKeyRecord } from './api-key-verifier.ts';

const keyRecord: ApiKeyRecord = {
  id: 'k',
  tenantId: 'tenant-of-key',
  secretHash: '',
  revoked: false,
  tenantStatus: 'active',
  tenantStripeAccountId: 'acct_key',
  lastUsedAt: null,
};
const keys = {
  async verify(authorization: string | undefined) {
    if (authorization !== 'Bearer good') throw errors.unauthenticated('invalid API key');
    return keyRecord;
  },
};
const sessions: TenantSessionAuthenticator = {
  hasCookie: (request) => (request.headers.cookie ?? '').includes('gh_studio='),
  async authenticate(request) {
    if (request.method !== 'GET' && request.headers['x-csrf-token'] !== 'csrf') throw errors.csrfInvalid();
    return { tenantId: 'tenant-of-session', tenantStripeAccountId: null };
  },
};
const log = { warn: () => {} };
const request = (headers: Record<string, string>, method = 'GET') => ({ method, headers, log, tenantId: '' });
const code = (expected: string) => (error: unknown) => isAppError(error) && error.code === expected;

test('an API key authenticates as before; with sessions, the cookie does when no Authorization is sent', async () => {
  assert.equal(
    (await authenticateTenant(keys, undefined, request({ authorization: 'Bearer good' }))).tenantId,
    'tenant-of-key',
  );
  assert.equal(
    (await authenticateTenant(keys, sessions, request({ cookie: 'gh_studio=x' }))).tenantId,
    'tenant-of-session',
  );
  await assert.rejects(
    authenticateTenant(keys, sessions, request({ cookie: 'gh_studio=x' }, 'POST')),
    code('csrf_invalid'),
  );
  assert.equal(
    (
      await authenticateTenant(
        keys,
        sessions,
        request({ cookie: 'gh_studio=x', 'x-csrf-token': 'csrf' }, 'POST'),
      )
    ).tenantId,
    'tenant-of-session',
  );
});

test('an Authorization header is judged alone, and without sessions the cookie means nothing', async () => {
  await assert.rejects(
    authenticateTenant(keys, sessions, request({ cookie: 'gh_studio=x', authorization: 'Bearer bad' })),
    code('UNAUTHENTICATED'),
  );
  await assert.rejects(
    authenticateTenant(keys, undefined, request({ cookie: 'gh_studio=x' })),
    code('UNAUTHENTICATED'),
  );
  await assert.rejects(authenticateTenant(keys, sessions, request({})), code('UNAUTHENTICATED'));
});

test('the onRequest hook sets the tenant of whichever credential was used', async () => {
  const hook = apiKeyAuthenticator(keys, sessions);
  const viaCookie = request({ cookie: 'gh_studio=x' });
  await hook(viaCookie);
  assert.equal(viaCookie.tenantId, 'tenant-of-session');
  const viaKey = request({ authorization: 'Bearer good' });
  await apiKeyAuthenticator(keys)(viaKey);
  assert.equal(viaKey.tenantId, 'tenant-of-key');
});
