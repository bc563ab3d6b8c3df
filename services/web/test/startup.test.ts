import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closedPort, runServiceExpectingFailure } from '@gatehouse/testkit';

// Bad configuration ends the web process with exit 1 and one line naming the cause.

const base = async (): Promise<Record<string, string>> => ({
  LOG_LEVEL: 'silent',
  PORT: String(await closedPort()),
  DATABASE_URL: `postgresql://gatehouse:gatehouse@127.0.0.1:${await closedPort()}/gatehouse`,
  PUBLIC_BASE_URL: 'http://127.0.0.1:58080',
  SMTP_URL: `smtp://127.0.0.1:${await closedPort()}`,
  OPERATOR_API_KEY: 'startup-test-operator-key-0123456789abcdef',
});

test('a missing OPERATOR_API_KEY ends the process with exit 1 and one line naming it', async () => {
  const { OPERATOR_API_KEY: _, ...env } = await base();
  const result = await runServiceExpectingFailure('services/web', env);
  assert.equal(result.code, 1, result.stderr);
  assert.equal(result.lines.length, 1, result.stderr);
  assert.match(result.lines[0]!, /^web: cannot start: .*OPERATOR_API_KEY is required/);
});

test('a short OPERATOR_API_KEY is refused by name', async () => {
  const result = await runServiceExpectingFailure('services/web', {
    ...(await base()),
    OPERATOR_API_KEY: 'short',
  });
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.lines[0]!, /^web: cannot start: .*OPERATOR_API_KEY/);
});

test('a missing SMTP_URL ends the process with exit 1 and one line naming it', async () => {
  const { SMTP_URL: _, ...env } = await base();
  const result = await runServiceExpectingFailure('services/web', env);
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.lines[0]!, /^web: cannot start: .*SMTP_URL is required/);
});

test('an unreachable Postgres ends the process with exit 1 and one line naming it', async () => {
  const result = await runServiceExpectingFailure('services/web', await base());
  assert.equal(result.code, 1, result.stderr);
  assert.equal(result.lines.length, 1, result.stderr);
  assert.match(result.lines[0]!, /^web: cannot start: Postgres unreachable/);
});
