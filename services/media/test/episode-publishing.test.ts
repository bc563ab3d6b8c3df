import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type EpisodePolicy, redisKeys } from '@gatehouse/contracts';
import { waitFor } from '@gatehouse/testkit';
// What the edge and the feeds decide at read time, run on the records this service wrote: the auth
// hop's public-media decision (on the Redis policy) and the feeds' episode selection (on Postgres).
import { decidePublicAccess } from '../../auth/src/domain/media-access-decider.ts';
import { createCatalogStore } from '../../feeds/src/adapters/feeds.repository.ts';
import { selectEpisodes } from '../../feeds/src/domain/episode-selection.ts';
import { readyEpisode, useMediaApp } from './support/media-test-app.ts';

describe('publishing: now, at a time, unpublish', () => {
  const t = useMediaApp();

  test('a scheduled episode is invisible to feeds and the edge until its time, then visible; unpublish hides it', async () => {
    const { showId, episodeId } = await readyEpisode(t.call);
    assert.equal(
      (await t.call('PATCH', `/api/v1/episodes/${episodeId}`, { visibility: 'public' })).statusCode,
      200,
    );
    const transcript = await t.call('PUT', `/api/v1/episodes/${episodeId}/transcript`, 'WEBVTT\n', {
      'content-type': 'text/vtt',
    });
    assert.equal(transcript.statusCode, 200, transcript.body);
    const transcriptPath = new URL(transcript.json().transcript.url, 'http://x').pathname;

    const at = new Date(Math.ceil(Date.now() / 1000) * 1000 + 6000);
    const scheduled = await t.call('POST', `/api/v1/episodes/${episodeId}/publish`, {
      publishedAt: at.toISOString(),
    });
    assert.equal(scheduled.statusCode, 200, scheduled.body);
    assert.equal(scheduled.json().status, 'scheduled');
    assert.equal(scheduled.json().publishedAt, at.toISOString());

    const policy = JSON.parse(
      (await t.parts.redis.get(redisKeys.episode(episodeId))) ?? 'null',
    ) as EpisodePolicy;
    assert.equal(policy.status, 'published');
    assert.equal(policy.publishedAt, at.getTime());
    const edge = (now: number) =>
      decidePublicAccess({
        episodeId,
        fileName: policy.media?.fileName ?? '',
        episode: policy,
        tenant: undefined,
        now,
      });
    assert.deepEqual(edge(Date.now()), { grant: false, status: 404, reason: 'episode_not_found' });
    assert.equal(edge(at.getTime()).grant, true);

    const catalog = await createCatalogStore(t.parts.prisma).loadCatalog(showId);
    assert.ok(catalog);
    const listed = (now: number) =>
      selectEpisodes(catalog, { kind: 'public' }, now).items.map((item) => item.episode.id);
    assert.deepEqual(listed(Date.now()), []);
    assert.equal(selectEpisodes(catalog, { kind: 'public' }, Date.now()).validUntil, at.getTime());
    assert.deepEqual(listed(at.getTime()), [episodeId]);
    assert.equal(
      (await t.app.inject(transcriptPath)).statusCode,
      404,
      'its files are not public before the time either',
    );

    // Nothing runs at the scheduled instant: the answers change because the clock passed it.
    await waitFor(() => Date.now() > at.getTime() + 50, { timeoutMs: 15_000 });
    assert.equal((await t.call('GET', `/api/v1/episodes/${episodeId}`)).json().status, 'published');
    assert.equal((await t.app.inject(transcriptPath)).statusCode, 200);

    const unpublished = await t.call('POST', `/api/v1/episodes/${episodeId}/unpublish`);
    assert.equal(unpublished.json().status, 'draft');
    const draft = JSON.parse(
      (await t.parts.redis.get(redisKeys.episode(episodeId))) ?? 'null',
    ) as EpisodePolicy;
    assert.equal(draft.status, 'draft');
    assert.equal(
      decidePublicAccess({
        episodeId,
        fileName: policy.media?.fileName ?? '',
        episode: draft,
        tenant: undefined,
        now: Date.now(),
      }).grant,
      false,
    );
    assert.deepEqual(
      selectEpisodes(
        (await createCatalogStore(t.parts.prisma).loadCatalog(showId))!,
        { kind: 'public' },
        Date.now(),
      ).items,
      [],
    );
    assert.equal((await t.app.inject(transcriptPath)).statusCode, 404);
  });

  test('publish now on a scheduled episode brings it forward; show fields are all editable', async () => {
    const { showId, episodeId } = await readyEpisode(t.call);
    const later = new Date(Date.now() + 24 * 3600_000).toISOString();
    assert.equal(
      (await t.call('POST', `/api/v1/episodes/${episodeId}/publish`, { publishedAt: later })).json().status,
      'scheduled',
    );
    const now = await t.call('POST', `/api/v1/episodes/${episodeId}/publish`);
    assert.equal(now.json().status, 'published');
    assert.ok(Date.parse(now.json().publishedAt) <= Date.now());
    assert.equal((await t.otherCall('POST', `/api/v1/episodes/${episodeId}/publish`)).statusCode, 404);

    const fields = {
      title: 'Renamed',
      description: 'About',
      author: 'Ann',
      ownerName: 'Ann Owner',
      ownerEmail: 'ann@example.com',
      language: 'de-AT',
      itunesCategory: 'Technology',
      itunesSubcategory: 'Tech News',
      explicit: true,
      websiteUrl: 'https://example.com/show',
      itunesType: 'serial',
      copyright: '© 2026 Ann',
      imageUrl: 'https://img.example.com/a.jpg',
      listPremiumTeasers: true,
    };
    const edited = await t.call('PATCH', `/api/v1/shows/${showId}`, fields);
    assert.equal(edited.statusCode, 200, edited.body);
    for (const [name, value] of Object.entries(fields)) assert.deepEqual(edited.json()[name], value, name);
    assert.equal(
      (await t.call('PATCH', `/api/v1/shows/${showId}`, { itunesType: 'weekly' })).statusCode,
      400,
    );
    assert.equal((await t.otherCall('PATCH', `/api/v1/shows/${showId}`, { title: 'x' })).statusCode, 404);
    assert.equal((await t.call('GET', `/api/v1/shows/${showId}`)).json().title, 'Renamed');
  });
});
