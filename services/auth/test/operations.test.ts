import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '@gatehouse/logging';
import { buildApp } from '../src/app.ts';

const logger = createLogger({ level: 'silent', service: 'auth-test' });

test('healthz answers, readyz reports each dependency, metrics are Prometheus text', async () => {
  let redisUp = true;
  const app = buildApp({
    logger,
    readiness: [{ name: 'redis', check: async () => (redisUp ? 'PONG' : Promise.reject(new Error('down'))) }],
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
