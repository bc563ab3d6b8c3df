import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SubscriberAccess } from '@gatehouse/contracts';
import { isAppError } from '@gatehouse/errors';
import { rotateAccessToken, type TokenRotationRepository } from './token-rotation.ts';

// Token rotation over an in-memory double of its repository port (Postgres: test/webhooks.test.ts
// drives the routes, services/auth/test/revocation-pipeline.test.ts the whole pipeline).

function memory(subscribers: string[]) {
  const generations = new Map<string, number>();
  const events: { subject: string; eventId: string; rotatedBy?: string }[] = [];
  const repository: TokenRotationRepository = {
    async subscriberExists(tenantId, subscriberId) {
      return tenantId === 't1' && subscribers.includes(subscriberId);
    },
    async advanceGeneration({ subscriberId }) {
      generations.set(subscriberId, (generations.get(subscriberId) ?? 1) + 1);
    },
    async bumpSubscriberAccess(subscriberId) {
      return {
        subscriberId,
        version: events.length + 7,
        generation: generations.get(subscriberId) ?? 1,
      } as SubscriberAccess;
    },
    async enqueue(subject, payload) {
      events.push({
        subject,
        eventId: payload.eventId,
        ...('rotatedBy' in payload ? { rotatedBy: payload.rotatedBy } : {}),
      });
    },
  };
  return {
    events,
    store: { withTransaction: <T>(work: (r: TokenRotationRepository) => Promise<T>) => work(repository) },
  };
}

test('a rotation moves the generation and enqueues token.rotated with the new snapshot', async () => {
  const { events, store } = memory(['s1']);
  const result = await rotateAccessToken(store, {
    tenantId: 't1',
    subscriberId: 's1',
    rotatedBy: 'subscriber',
  });
  const { rotatedAt, ...rest } = result;
  assert.deepEqual(rest, { subscriberId: 's1', generation: 2, version: 7 });
  assert.ok(Date.now() - rotatedAt.getTime() < 60_000, 'rotatedAt is the time of the rotation');
  assert.deepEqual(events, [
    { subject: 'gh.access.token.rotated.v1', eventId: 'rotated:s1:7', rotatedBy: 'subscriber' },
  ]);
});

test('a subscriber of another tenant is a 404 and nothing is written', async () => {
  const { events, store } = memory(['s1']);
  await assert.rejects(
    rotateAccessToken(store, { tenantId: 't2', subscriberId: 's1', rotatedBy: 'creator' }),
    (error) => isAppError(error) && error.status === 404,
  );
  assert.deepEqual(events, []);
});
