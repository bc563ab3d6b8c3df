import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { createLogger } from '@gatehouse/logging';
import { parseKeyring } from '@gatehouse/tokens';
import { buildApp } from '../src/app.ts';

const logger = createLogger({ level: 'silent', service: 'auth-test' });
const keyring = parseKeyring(`k1:${randomBytes(32).toString('base64url')}`, 'k1');

test('healthz answers, readyz reports each dependency, metrics are Prometheus text', async () => {
  let redisUp = true;
  const app = buildApp({
    logger,
    readiness: [{ name: 'redis', check: async () => (redisUp ? 'PONG' : Promise.reject(new Error('down'))) }],
    keyring,
    // Operational routes read no records: sources that fail loudly if they ever were.
    store: { getMany: () => Promise.reject(new Error('not used')) },
    originIssuer: { issue: () => Promise.reject(new Error('not used')) },
  });
  assert.deepEqual((await app.inject('/healthz')).json(), { status: 'ok' });
  const ready = await app.inject('/readyz');
  assert.equal(ready.statusCode, 200);
  redisUp = false;
  const notReady = await app.inject('/readyz');
  assert.equal(notReady.statusCode, 503);
  assert.deepEqual(notReady.json(), { ready: false, checks: { redis: 'failing' } });
  const metrics = await app.inject('/metrics');
  assert.match(metrics.headers['content-type'] as string, /text\/plain/);
  assert.match(metrics.body, /http_request_duration_seconds_bucket\{.*route="\/readyz"/);
  const missing = await app.inject('/nope?token=x');
  assert.equal(missing.statusCode, 404);
  assert.deepEqual(missing.json(), { error: { code: 'NOT_FOUND', message: 'route GET /nope not found' } });
  await app.close();
});
