import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '@gatehouse/errors';
import {
  createEpisodesService,
  type Episode,
  type EpisodeChanges,
  type EpisodesRepository,
} from './episodes.service.ts';

const at = new Date('2026-01-01T00:00:00Z');
const episode = (overrides: Partial<Episode> = {}): Episode => ({
  id: 'e1',
  showId: 's1',
  guid: 'g1',
  title: 'One',
  description: '',
  seasonNumber: null,
  episodeNumber: null,
  episodeType: 'full',
  visibility: 'premium',
  earlyAccessUntil: null,
  lifecycleKind: 'none',
  transcriptUrl: null,
  transcriptType: null,
  chaptersUrl: null,
  explicit: null,
  status: 'draft',
  publishedAt: null,
  version: 1,
  currentMediaAsset: null,
  transcriptFile: null,
  chaptersFile: null,
  createdAt: at,
  updatedAt: at,
  ...overrides,
});

/** One stored episode; `change` applies what `decide` returns, as the Postgres adapter does. */
function memoryEpisodes(current: Episode) {
  const decided: EpisodeChanges[] = [];
  const repository: EpisodesRepository = {
    get: async () => current,
    list: async () => ({ items: [current], nextCursor: null }),
    create: async (_tenantId, _showId, fields) => ({ ...current, ...fields }),
    async change(_tenantId, _episodeId, decide) {
      const changes = await decide(current);
      decided.push(changes);
      return { ...current, ...changes, version: current.version + 1 };
    },
  };
  return { repository, decided };
}

const rejectsWith = (status: number, message: RegExp) => (error: unknown) =>
  error instanceof AppError && error.status === status && message.test(error.message);

test('publish needs ready media, keeps an earlier publication time, and refuses removed episodes', async () => {
  const ready = {
    id: 'u1',
    objectKey: 'k/a.mp3',
    contentType: 'audio/mpeg',
    byteSize: 1,
    durationSeconds: 1,
  };
  const noMedia = createEpisodesService(memoryEpisodes(episode()).repository);
  await assert.rejects(noMedia.publish('t', 'e1'), rejectsWith(409, /no ready media/));

  const earlier = new Date('2025-06-01T00:00:00Z');
  const republished = memoryEpisodes(
    episode({ publishedAt: earlier, currentMediaAsset: { ...ready, status: 'ready' } }),
  );
  const published = await createEpisodesService(republished.repository).publish('t', 'e1');
  assert.deepEqual(republished.decided, [{ status: 'published', publishedAt: earlier }]);
  assert.equal(published.status, 'published');

  const removed = createEpisodesService(memoryEpisodes(episode({ status: 'removed' })).repository);
  await assert.rejects(removed.publish('t', 'e1'), rejectsWith(409, /episode was removed/));
  await assert.rejects(removed.remove('t', 'e1'), rejectsWith(409, /already removed/));
});

test('instants before 1970 are a 400 naming the field; RFC 3339 text becomes a Date', async () => {
  const { repository, decided } = memoryEpisodes(episode());
  const episodes = createEpisodesService(repository);
  await assert.rejects(
    episodes.publish('t', 'e1', '1969-12-31T23:59:59Z'),
    rejectsWith(400, /body\/publishedAt must be 1970/),
  );
  await assert.rejects(
    episodes.edit('t', 'e1', { earlyAccessUntil: '1960-01-01T00:00:00Z' }),
    rejectsWith(400, /body\/earlyAccessUntil must be 1970/),
  );
  await episodes.edit('t', 'e1', { title: 'Two', earlyAccessUntil: '2030-01-01T00:00:00Z' });
  await episodes.edit('t', 'e1', { earlyAccessUntil: null });
  assert.deepEqual(decided, [
    { title: 'Two', earlyAccessUntil: new Date('2030-01-01T00:00:00Z') },
    { earlyAccessUntil: null },
  ]);
});

test('publish at a future time schedules; "publish now" brings a scheduled episode forward; unpublish drafts it', async () => {
  const now = new Date('2026-12-03T10:00:00Z');
  const later = new Date('2026-12-04T08:00:00Z');
  const media = {
    id: 'u1',
    objectKey: 'k/a.mp3',
    contentType: 'audio/mpeg',
    byteSize: 1,
    durationSeconds: 1,
    status: 'ready' as const,
  };
  const draft = memoryEpisodes(episode({ currentMediaAsset: media }));
  await createEpisodesService(draft.repository).publish('t', 'e1', later.toISOString(), now);
  assert.deepEqual(draft.decided, [{ status: 'published', publishedAt: later }]);

  const scheduled = memoryEpisodes(
    episode({ status: 'published', publishedAt: later, currentMediaAsset: media }),
  );
  const service = createEpisodesService(scheduled.repository);
  await service.publish('t', 'e1', undefined, now);
  await service.unpublish('t', 'e1');
  assert.deepEqual(scheduled.decided, [{ status: 'published', publishedAt: now }, { status: 'draft' }]);
});
