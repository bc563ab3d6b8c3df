import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeEvent, encodeEvent, episodeLifecycleOf, InvalidEventError } from '@gatehouse/contracts';
import { type EpisodeRowFacts, episodeAccessStateOf, toEpisodePolicy } from './episode-policy.ts';

const row: EpisodeRowFacts = {
  id: '0190a1b2-0000-7000-8000-000000000001',
  tenantId: '0190a1b2-0000-7000-8000-000000000002',
  showId: '0190a1b2-0000-7000-8000-000000000003',
  status: 'published',
  visibility: 'premium',
  publishedAt: new Date('2026-01-01T00:00:00Z'),
  earlyAccessUntil: null,
  lifecycleKind: 'subscription_ended',
  version: 4,
  currentMediaAsset: {
    storageDriver: 'local',
    objectKey: 't/a/media/b/goodbye.mp3',
    contentType: 'audio/mpeg',
    byteSize: 10n,
    status: 'ready',
  },
};
// The media events carry the policy under the contract's schema (additionalProperties: false).
const subject = 'gh.media.episode.updated.v1';
const envelope = { eventId: '0190a1b2-0000-7000-8000-0000000000e1', occurredAt: '2026-01-01T00:00:00.000Z' };
const asEvent = (policy: unknown) => new TextEncoder().encode(JSON.stringify({ ...envelope, policy }));

test('the policy carries the lifecycle kind of the row, `none` included', () => {
  for (const lifecycleKind of ['none', 'welcome', 'payment_failed', 'subscription_ended'] as const) {
    const policy = toEpisodePolicy(episodeAccessStateOf({ ...row, lifecycleKind }));
    assert.equal(policy.lifecycle, lifecycleKind);
    const event = decodeEvent(subject, encodeEvent(subject, { ...envelope, policy }));
    assert.equal(event.policy.lifecycle, lifecycleKind);
  }
});

test('a record written before the field existed is still valid and reads as `none`', () => {
  const { lifecycle: _absent, ...legacy } = toEpisodePolicy(episodeAccessStateOf(row));
  const event = decodeEvent(subject, asEvent(legacy));
  assert.equal('lifecycle' in event.policy, false, 'old events stay contract-valid');
  assert.equal(episodeLifecycleOf(event.policy), 'none');
  assert.throws(() => decodeEvent(subject, asEvent({ ...legacy, lifecycle: 'goodbye' })), InvalidEventError);
});
