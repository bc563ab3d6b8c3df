import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { closedPort, runServiceExpectingFailure, stackEnv } from '@gatehouse/testkit';

// Bad configuration ends the process with exit 1 and one line naming the cause (issue 2).

const base = async (): Promise<Record<string, string>> => ({
  LOG_LEVEL: 'silent',
  PORT: String(await closedPort()),
  DATABASE_URL: `postgresql://gatehouse:gatehouse@127.0.0.1:${await closedPort()}/gatehouse`,
  REDIS_URL: `redis://127.0.0.1:${await closedPort()}`,
  NATS_URL: `nats://127.0.0.1:${await closedPort()}`,
  TOKEN_KEYS: `k1:${randomBytes(32).toString('base64url')}`,
  TOKEN_ACTIVE_KID: 'k1',
  PUBLIC_BASE_URL: 'http://127.0.0.1:58080',
  INTERNAL_API_TOKEN: 'startup-test-internal-token-0123456789abcdef',
  STRIPE_SECRET_KEY: 'sk_test_123',
  SMTP_URL: `smtp://127.0.0.1:${await closedPort()}`,
});

test('a missing DATABASE_URL ends the process with exit 1 and one line naming it', async () => {
  const { DATABASE_URL: _, ...env } = await base();
  const result = await runServiceExpectingFailure('services/feeds', env);
  assert.equal(result.code, 1, result.stderr);
  assert.equal(result.lines.length, 1, result.stderr);
  assert.match(result.lines[0]!, /^feeds: cannot start: .*DATABASE_URL is required/);
});

test('an unreachable Postgres ends the process with exit 1 and one line naming it', async () => {
  const result = await runServiceExpectingFailure('services/feeds', await base());
  assert.equal(result.code, 1, result.stderr);
  assert.equal(result.lines.length, 1, result.stderr);
  assert.match(result.lines[0]!, /^feeds: cannot start: Postgres unreachable/);
});

test('an unreachable Redis ends the process with exit 1 and one line naming it', async () => {
  // Postgres and NATS are the stack's (they are connected first); only Redis is unreachable.
  const { databaseUrl, natsUrl } = stackEnv();
  const env: Record<string, string> = { ...(await base()), DATABASE_URL: databaseUrl, NATS_URL: natsUrl };
  const result = await runServiceExpectingFailure('services/feeds', env);
  assert.equal(result.code, 1, result.stderr);
  assert.equal(result.lines.length, 1, result.stderr);
  assert.match(
    result.lines[0]!,
    new RegExp(`^feeds: cannot start: Redis at ${env.REDIS_URL!.replaceAll('.', '\\.')} unreachable`),
  );
});
