import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkReadiness } from './readiness.ts';

test('reports each dependency and is ready only when all answer', async () => {
  const report = await checkReadiness(
    [
      { name: 'redis', check: async () => 'PONG' },
      { name: 'postgres', check: async () => Promise.reject(new Error('down')) },
      { name: 'nats', check: () => new Promise(() => {}) },
      { name: 's3', check: async () => false },
    ],
    50,
  );
  assert.deepEqual(report, {
    ready: false,
    checks: { redis: 'ok', postgres: 'failing', nats: 'failing', s3: 'failing' },
  });
  assert.deepEqual(await checkReadiness([{ name: 'redis', check: async () => 1 }]), {
    ready: true,
    checks: { redis: 'ok' },
  });
});
