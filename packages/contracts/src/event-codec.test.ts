import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeEvent, encodeEvent, InvalidEventError } from './event-codec.ts';

const access = {
  tenantId: '0190a1b2-0000-7000-8000-000000000001',
  subscriberId: '0190a1b2-0000-7000-8000-000000000002',
  generation: 1,
  plans: [{ planId: '0190a1b2-0000-7000-8000-000000000003', until: null }],
  lifecycle: 'active' as const,
  version: 4,
};

test('round-trips a valid payload', () => {
  const payload = { eventId: 'evt_1', occurredAt: '2026-11-22T10:00:00Z', access };
  const bytes = encodeEvent('gh.access.subscriber.changed.v1', payload);
  assert.deepEqual(decodeEvent('gh.access.subscriber.changed.v1', bytes), payload);
});

test('rejects payloads that do not match the subject schema', () => {
  assert.throws(
    () => encodeEvent('gh.access.subscriber.changed.v1', { eventId: 'e', occurredAt: 'x', access } as never),
    InvalidEventError,
  );
  assert.throws(
    () => decodeEvent('gh.access.subscriber.changed.v1', new TextEncoder().encode('{')),
    /not JSON/,
  );
  const extra = new TextEncoder().encode(
    JSON.stringify({ eventId: 'e', occurredAt: '2026-11-22T10:00:00Z', access: { ...access, email: 'a@b' } }),
  );
  assert.throws(() => decodeEvent('gh.access.subscriber.changed.v1', extra), InvalidEventError);
});
