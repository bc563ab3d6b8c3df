import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { closedPort, runServiceExpectingFailure } from '@gatehouse/testkit';

const baseEnv = {
  LOG_LEVEL: 'silent',
  NATS_URL: 'nats://127.0.0.1:54222',
  TOKEN_KEYS: `k1:${randomBytes(32).toString('base64url')}`,
  TOKEN_ACTIVE_KID: 'k1',
  PUBLIC_BASE_URL: 'http://127.0.0.1:58080',
  MEDIA_INTERNAL_URL: 'http://127.0.0.1:53002',
  INTERNAL_API_TOKEN: 'startup-test-internal-token-0123456789abcdef',
};

async function start(env: Record<string, string>) {
  const result = await runServiceExpectingFailure('services/auth', env);
  return { code: result.code, stderr: result.lines.join('\n') };
}

test('a missing REDIS_URL ends the process with exit 1 and one line naming it', async () => {
  const { code, stderr } = await start({ ...baseEnv, PORT: String(await closedPort()) });
  assert.equal(code, 1);
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, stderr);
  assert.match(lines[0]!, /^auth: cannot start: .*REDIS_URL is required/);
});

test('an unreachable Redis ends the process with exit 1 and one line naming it', async () => {
  const port = await closedPort();
  const { code, stderr } = await start({
    ...baseEnv,
    REDIS_URL: `redis://127.0.0.1:${port}`,
    PORT: String(await closedPort()),
  });
  assert.equal(code, 1);
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, stderr);
  assert.match(
    lines[0]!,
    new RegExp(`^auth: cannot start: Redis at redis://127\\.0\\.0\\.1:${port} unreachable`),
  );
});

test('a bad TOKEN_ACTIVE_KID ends the process with exit 1 and one line naming it', async () => {
  const { code, stderr } = await start({
    ...baseEnv,
    REDIS_URL: 'redis://127.0.0.1:1',
    TOKEN_ACTIVE_KID: 'k9',
    PORT: String(await closedPort()),
  });
  assert.equal(code, 1);
  assert.match(
    stderr.trim(),
    /^auth: cannot start: TOKEN_KEYS\/TOKEN_ACTIVE_KID: active token key id "k9" is not in the keyring$/,
  );
});
