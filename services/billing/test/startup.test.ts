import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closedPort, runServiceExpectingFailure } from '@gatehouse/testkit';

// Bad configuration ends the process with exit 1 and one line naming the cause (issue 2).
// Billing uses no Redis; NATS may be down at start by design (the outbox holds events).

const base = async (): Promise<Record<string, string>> => ({
  LOG_LEVEL: 'silent',
  PORT: String(await closedPort()),
  DATABASE_URL: `postgresql://gatehouse:gatehouse@127.0.0.1:${await closedPort()}/gatehouse`,
  NATS_URL: `nats://127.0.0.1:${await closedPort()}`,
  STRIPE_SECRET_KEY: 'sk_test_123',
  STRIPE_WEBHOOK_SECRETS: 'whsec_test',
  PUBLIC_BASE_URL: 'http://127.0.0.1:58080',
  INTERNAL_API_TOKEN: 'startup-test-internal-token-0123456789abcdef',
});

test('a missing STRIPE_WEBHOOK_SECRETS ends the process with exit 1 and one line naming it', async () => {
  const { STRIPE_WEBHOOK_SECRETS: _, ...env } = await base();
  const result = await runServiceExpectingFailure('services/billing', env);
  assert.equal(result.code, 1, result.stderr);
  assert.equal(result.lines.length, 1, result.stderr);
  assert.match(result.lines[0]!, /^billing: cannot start: .*STRIPE_WEBHOOK_SECRETS is required/);
});

test('an unreachable Postgres ends the process with exit 1 and one line naming it', async () => {
  const result = await runServiceExpectingFailure('services/billing', await base());
  assert.equal(result.code, 1, result.stderr);
  assert.equal(result.lines.length, 1, result.stderr);
  assert.match(result.lines[0]!, /^billing: cannot start: Postgres unreachable/);
});
