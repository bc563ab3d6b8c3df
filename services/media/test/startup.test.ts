import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { closedPort, runServiceExpectingFailure, stackEnv } from '@gatehouse/testkit';

// Bad configuration ends the process with exit 1 and one line naming the cause (issue 2).

const base = async (): Promise<Record<string, string>> => ({
  LOG_LEVEL: 'silent',
  PORT: String(await closedPort()),
  STORAGE_DRIVER: 'local',
  INTERNAL_API_TOKEN: 'startup-test-internal-token-0123456789abcdef',
  LOCAL_STORAGE_DIR: mkdtempSync(join(tmpdir(), 'gatehouse-media-startup-')),
  NATS_URL: `nats://127.0.0.1:${await closedPort()}`,
});

test('a missing REDIS_URL ends the process with exit 1 and one line naming it', async () => {
  const { REDIS_URL: _, ...env } = {
    ...(await base()),
    DATABASE_URL: `postgresql://gatehouse:gatehouse@127.0.0.1:${await closedPort()}/gatehouse`,
    REDIS_URL: 'unused',
  };
  const result = await runServiceExpectingFailure('services/media', env);
  assert.equal(result.code, 1, result.stderr);
  assert.equal(result.lines.length, 1, result.stderr);
  assert.match(result.lines[0]!, /^media: cannot start: .*REDIS_URL is required/);
});

test('an unreachable Postgres ends the process with exit 1 and one line naming it', async () => {
  const result = await runServiceExpectingFailure('services/media', {
    ...(await base()),
    DATABASE_URL: `postgresql://gatehouse:gatehouse@127.0.0.1:${await closedPort()}/gatehouse`,
    REDIS_URL: `redis://127.0.0.1:${await closedPort()}`,
  });
  assert.equal(result.code, 1, result.stderr);
  assert.equal(result.lines.length, 1, result.stderr);
  assert.match(result.lines[0]!, /^media: cannot start: Postgres unreachable/);
});

test('an unreachable Redis ends the process with exit 1 and one line naming it', async () => {
  const redisPort = await closedPort();
  const result = await runServiceExpectingFailure('services/media', {
    ...(await base()),
    DATABASE_URL: stackEnv().databaseUrl,
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
  });
  assert.equal(result.code, 1, result.stderr);
  assert.equal(result.lines.length, 1, result.stderr);
  assert.match(
    result.lines[0]!,
    new RegExp(`^media: cannot start: Redis at redis://127\\.0\\.0\\.1:${redisPort} unreachable`),
  );
});
