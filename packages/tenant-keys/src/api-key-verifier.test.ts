import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAppError } from '@gatehouse/errors';
import { generateApiKey } from './api-key.ts';
import { type ApiKeyRecord, type ApiKeyRepository, createApiKeyVerifier } from './api-key-verifier.ts';

const TENANT = '0190a1b2-0000-7000-8000-000000000001';

function setup(overrides: Partial<ApiKeyRecord> = {}, now = Date.now()) {
  const generated = generateApiKey();
  const record: ApiKeyRecord = {
    id: 'key-1',
    tenantId: TENANT,
    secretHash: generated.secretHash,
    revoked: false,
    tenantStatus: 'active',
    tenantStripeAccountId: null,
    lastUsedAt: new Date(now),
    ...overrides,
  };
  const touched: string[] = [];
  const keys: ApiKeyRepository = {
    findByPrefix: async (prefix) => (prefix === generated.prefix ? record : undefined),
    touch: async (id) => {
      touched.push(id);
    },
  };
  const verifier = createApiKeyVerifier(keys, { touchEveryMs: 1000, now: () => now });
  const run = async (authorization: string | undefined) => {
    try {
      return { tenantId: (await verifier.verify(authorization)).tenantId };
    } catch (error) {
      assert.ok(isAppError(error));
      return { status: error.status };
    }
  };
  return { key: generated.key, run, touched };
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

test('lastUsedAt is written only when it is older than touchEveryMs (and only for a valid key)', async () => {
  const now = 1_900_000_000_000;
  const fresh = setup({ lastUsedAt: new Date(now - 500) }, now);
  await fresh.run(`Bearer ${fresh.key}`);
  assert.deepEqual(fresh.touched, []);
  const stale = setup({ lastUsedAt: new Date(now - 5000) }, now);
  await stale.run(`Bearer ${stale.key}`);
  await stale.run(`Bearer ${stale.key.slice(0, -1)}${stale.key.endsWith('x') ? 'y' : 'x'}`);
  assert.deepEqual(stale.touched, ['key-1']);
});
