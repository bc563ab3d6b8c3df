import assert from 'node:assert/strict';
import { test } from 'node:test';
import { selectEpisodes } from './episode-selection.ts';
import { catalogOf, DAY, episodeView, showView } from './feed-fixtures.ts';
import type { FeedAudience } from './feed-model.ts';

const now = Date.UTC(2026, 5, 1);
const priv = (over: Partial<Extract<FeedAudience, { kind: 'private' }>> = {}): FeedAudience => ({
  kind: 'private',
  planIds: ['p1'],
  showGranted: true,
  episodeIds: new Set(),
  lifecycle: 'active',
  ...over,
});

test('public feeds list public episodes, premium only as teasers when the show wants them', () => {
  const pub = episodeView({ visibility: 'public' });
  const prem = episodeView({ visibility: 'premium' });
  const ids = (audience: FeedAudience, teasers: boolean) =>
    selectEpisodes(
      catalogOf([pub, prem], showView({ listPremiumTeasers: teasers })),
      audience,
      now,
    ).items.map((item) => `${item.episode.id === pub.id ? 'pub' : 'prem'}:${item.mode}`);
  assert.deepEqual(ids({ kind: 'public' }, false), ['pub:full']);
  assert.deepEqual(ids({ kind: 'public' }, true), ['pub:full', 'prem:teaser']);
  assert.deepEqual(ids(priv(), false), ['pub:full', 'prem:full']);
  assert.deepEqual(ids(priv({ showGranted: false }), true), ['pub:full', 'prem:teaser']);
  assert.deepEqual(ids(priv({ showGranted: false, episodeIds: new Set([prem.id]) }), false), [
    'pub:full',
    'prem:full',
  ]);
});

test('early access: premium until earlyAccessUntil, public from then on, at read time', () => {
  const early = episodeView({ visibility: 'premium', earlyAccessUntil: now + DAY });
  const before = selectEpisodes(catalogOf([early]), { kind: 'public' }, now);
  assert.equal(before.items.length, 0);
  assert.equal(before.validUntil, now + DAY, 'a cached selection expires exactly when the window closes');
  const after = selectEpisodes(catalogOf([early]), { kind: 'public' }, now + DAY);
  assert.deepEqual(
    after.items.map((item) => item.mode),
    ['full'],
  );
  assert.equal(after.changedAt, now + DAY);
});

test('scheduled episodes appear at publishedAt', () => {
  const later = episodeView({ publishedAt: now + 1000 });
  assert.equal(selectEpisodes(catalogOf([later]), { kind: 'public' }, now).items.length, 0);
  assert.equal(selectEpisodes(catalogOf([later]), { kind: 'public' }, now + 1000).items.length, 1);
});

test('lifecycle episodes show only in the matching subscriber state, never publicly', () => {
  const welcome = episodeView({ lifecycleKind: 'welcome', visibility: 'public' });
  const failed = episodeView({ lifecycleKind: 'payment_failed' });
  const ended = episodeView({ lifecycleKind: 'subscription_ended' });
  const catalog = catalogOf([welcome, failed, ended]);
  const pick = (audience: FeedAudience) =>
    selectEpisodes(catalog, audience, now).items.map((item) => item.episode.id);
  assert.deepEqual(pick({ kind: 'public' }), []);
  assert.deepEqual(pick(priv({ lifecycle: 'active' })), [welcome.id]);
  assert.deepEqual(pick(priv({ lifecycle: 'payment_failed', showGranted: false, planIds: [] })), [failed.id]);
  assert.deepEqual(pick(priv({ lifecycle: 'ended', showGranted: false, planIds: [] })), [ended.id]);
  assert.deepEqual(pick(priv({ lifecycle: 'none', showGranted: false, planIds: [] })), []);
});

test('lifecycle episodes: not public by visibility, early access or teasers; not for other states', () => {
  const welcome = episodeView({ lifecycleKind: 'welcome', visibility: 'public' });
  const ended = episodeView({ lifecycleKind: 'subscription_ended', visibility: 'premium' });
  const failedEarly = episodeView({
    lifecycleKind: 'payment_failed',
    visibility: 'premium',
    earlyAccessUntil: now - DAY,
  });
  const catalog = catalogOf([welcome, ended, failedEarly], showView({ listPremiumTeasers: true }));
  const pick = (audience: FeedAudience) =>
    selectEpisodes(catalog, audience, now).items.map((item) => `${item.episode.id}:${item.mode}`);
  assert.deepEqual(pick({ kind: 'public' }), [], 'no lifecycle episode, not even as a teaser');
  // A plan that grants the whole show does not list another state's lifecycle episodes either.
  assert.deepEqual(pick(priv({ lifecycle: 'active', showGranted: true })), [`${welcome.id}:full`]);
  assert.deepEqual(pick(priv({ lifecycle: 'ended', showGranted: true, episodeIds: new Set([welcome.id]) })), [
    `${ended.id}:full`,
  ]);
  assert.deepEqual(pick(priv({ lifecycle: 'payment_failed', showGranted: false, planIds: [] })), [
    `${failedEarly.id}:full`,
  ]);
  const pending = episodeView({ lifecycleKind: 'subscription_ended', media: null });
  assert.deepEqual(
    selectEpisodes(catalogOf([pending]), priv({ lifecycle: 'ended' }), now).items,
    [],
    'a lifecycle episode without ready media is not listed (its enclosure could not play)',
  );
});

test('episodes without ready media are never listed as playable', () => {
  const pending = episodeView({ media: null });
  assert.equal(selectEpisodes(catalogOf([pending]), priv(), now).items.length, 0);
});
