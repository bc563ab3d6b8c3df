import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EpisodePolicy } from '@gatehouse/contracts';
import { Compile } from 'typebox/compile';
import { type EpisodeAccessState, episodeEventSubject, toEpisodePolicy } from './episode-policy.ts';

const base: EpisodeAccessState = {
  id: '0190a1b2-0000-7000-8000-000000000001',
  tenantId: '0190a1b2-0000-7000-8000-000000000002',
  showId: '0190a1b2-0000-7000-8000-000000000003',
  status: 'published',
  visibility: 'premium',
  publishedAt: new Date('2026-01-01T00:00:00Z'),
  earlyAccessUntil: new Date('2026-02-01T00:00:00Z'),
  lifecycleKind: 'none',
  version: 3,
  media: {
    storage: 's3',
    objectKey: 't/a/e/b/c/f.mp3',
    contentType: 'audio/mpeg',
    byteSize: 10,
    fileName: 'f.mp3',
    ready: true,
  },
};
const check = Compile(EpisodePolicy);

test('builds a contract-valid policy with media only when ready', () => {
  const policy = toEpisodePolicy(base);
  assert.ok(check.Check(policy), JSON.stringify([...check.Errors(policy)]));
  assert.equal(policy.publicFrom, Date.parse('2026-02-01T00:00:00Z'));
  assert.equal(policy.media?.objectKey, 't/a/e/b/c/f.mp3');
  const pending = toEpisodePolicy({ ...base, media: { ...base.media!, ready: false } });
  assert.equal(pending.media, null);
  assert.equal(
    toEpisodePolicy({ ...base, visibility: 'public' }).publicFrom,
    null,
    'early access only means something for premium',
  );
});

test('event subjects follow the status transition', () => {
  assert.equal(episodeEventSubject('draft', 'published'), 'gh.media.episode.published.v1');
  assert.equal(episodeEventSubject('published', 'published'), 'gh.media.episode.updated.v1');
  assert.equal(episodeEventSubject('published', 'draft'), 'gh.media.episode.updated.v1');
  assert.equal(episodeEventSubject('published', 'removed'), 'gh.media.episode.removed.v1');
  assert.equal(episodeEventSubject('draft', 'removed'), 'gh.media.episode.removed.v1');
});
