import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAppError } from '@gatehouse/errors';
import type { FastifyRequest } from 'fastify';
import type { ApiKeyRecord, ApiKeyRepository } from '../adapters/tenants.repository.ts';
import { generateApiKey } from '../domain/api-key.ts';
import { apiKeyAuthenticator } from './api-key-auth.ts';

const TENANT = '0190a1b2-0000-7000-8000-000000000001';

function setup(overrides: Partial<ApiKeyRecord> = {}) {
  const generated = generateApiKey();
  const record: ApiKeyRecord = {
    id: 'key-1',
    tenantId: TENANT,
    secretHash: generated.secretHash,
    revoked: false,
    tenantStatus: 'active',
    lastUsedAt: new Date(),
    ...overrides,
  };
  const keys: ApiKeyRepository = {
    findByPrefix: async (prefix) => (prefix === generated.prefix ? record : undefined),
    touch: async () => {},
  };
  const run = async (authorization: string | undefined) => {
    const request = { headers: { authorization }, log: { warn() {} } } as unknown as FastifyRequest;
    try {
      await apiKeyAuthenticator(keys)(request);
      return { tenantId: request.tenantId };
    } catch (error) {
      assert.ok(isAppError(error));
      return { status: error.status };
    }
  };
  return { key: generated.key, run };
}

test('the key scopes the request to its tenant', async () => {
  const { key, run } = setup();
  assert.deepEqual(await run(`Bearer ${key}`), { tenantId: TENANT });
});

test('missing, malformed, unknown, wrong or revoked keys are 401; a suspended tenant is 403', async () => {
  const { key, run } = setup();
  assert.deepEqual(await run(undefined), { status: 401 });
  assert.deepEqual(await run(`Basic ${key}`), { status: 401 });
  assert.deepEqual(await run(`Bearer ${key.slice(0, -1)}${key.endsWith('x') ? 'y' : 'x'}`), { status: 401 });
  assert.deepEqual(await run(`Bearer ${generateApiKey().key}`), { status: 401 });
  assert.deepEqual(await setup({ revoked: true }).run(`Bearer ${key}`), { status: 401 }, 'other key');
  const revoked = setup({ revoked: true });
  assert.deepEqual(await revoked.run(`Bearer ${revoked.key}`), { status: 401 });
  const suspended = setup({ tenantStatus: 'suspended' });
  assert.deepEqual(await suspended.run(`Bearer ${suspended.key}`), { status: 403 });
});
