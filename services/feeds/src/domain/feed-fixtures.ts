import type { EpisodeView, ShowCatalog, ShowView } from './feed-model.ts';

/** Plain catalog values for unit tests (no database). */
export const DAY = 24 * 3600 * 1000;

export function showView(over: Partial<ShowView> = {}): ShowView {
  return {
    id: '0190a1b2-0000-7000-8000-0000000000a1',
    tenantId: '0190a1b2-0000-7000-8000-0000000000f1',
    tenantSlug: 'acme',
    tenantName: 'Acme Audio',
    slug: 'the-show',
    title: 'The Show',
    description: '<p>About the show</p>',
    author: 'Ann Author',
    ownerEmail: 'owner@example.com',
    imageUrl: 'https://img.example.com/cover.jpg',
    itunesType: 'episodic',
    ownerName: null,
    copyright: null,
    artworkPath: null,
    customDomain: null,
    language: 'en',
    itunesCategory: 'Technology',
    itunesSubcategory: 'Tech News',
    explicit: false,
    websiteUrl: 'https://example.com/',
    podcastGuid: '0190a1b2-0000-7000-8000-0000000000c1',
    listPremiumTeasers: false,
    ...over,
  };
}

let counter = 0;
export function episodeView(over: Partial<EpisodeView> = {}): EpisodeView {
  counter += 1;
  const n = String(counter).padStart(12, '0');
  return {
    id: `0190a1b2-0000-7000-8000-${n}`,
    guid: `guid-${n}`,
    title: `Episode ${counter}`,
    description: 'Notes',
    seasonNumber: 1,
    episodeNumber: counter,
    episodeType: 'full',
    visibility: 'public',
    publishedAt: Date.UTC(2026, 0, 1) + counter * 1000,
    earlyAccessUntil: null,
    lifecycleKind: 'none',
    transcriptUrl: null,
    transcriptType: null,
    chaptersUrl: null,
    transcriptFile: null,
    chaptersFile: null,
    explicit: null,
    updatedAt: Date.UTC(2026, 0, 1),
    media: { fileName: 'episode.mp3', contentType: 'audio/mpeg', byteSize: 12345, durationSeconds: 61 },
    ...over,
  };
}

export function catalogOf(episodes: EpisodeView[], show = showView()): ShowCatalog {
  return { show, episodes, version: `v${episodes.length}`, lastModified: Date.UTC(2026, 0, 2) };
}
