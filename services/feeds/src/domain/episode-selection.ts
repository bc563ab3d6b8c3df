import { lifecycleMatches } from '@gatehouse/contracts';
import type { EpisodeView, FeedAudience, ShowCatalog } from './feed-model.ts';

/**
 * Which episodes a feed lists, and how, decided at read time from the clock: no job flips an
 * early-access episode to public, the feed simply stops treating it as premium once
 * `earlyAccessUntil` has passed. `validUntil` is the next instant at which the answer would change
 * (a scheduled episode appears, an early-access window closes), so a cached selection is dropped
 * exactly then; `changedAt` is the latest such instant already passed (for Last-Modified).
 */
export type ItemMode = 'full' | 'teaser';

export interface SelectedItem {
  episode: EpisodeView;
  mode: ItemMode;
}

export interface Selection {
  items: SelectedItem[];
  validUntil: number;
  changedAt: number;
}

export function isEffectivelyPublic(episode: EpisodeView, now: number): boolean {
  return (
    episode.visibility === 'public' || (episode.earlyAccessUntil !== null && episode.earlyAccessUntil <= now)
  );
}

export function selectEpisodes(catalog: ShowCatalog, audience: FeedAudience, now: number): Selection {
  const items: SelectedItem[] = [];
  let validUntil = Number.POSITIVE_INFINITY;
  let changedAt = 0;
  const note = (instant: number) => {
    if (instant > now) validUntil = Math.min(validUntil, instant);
    else changedAt = Math.max(changedAt, instant);
  };
  for (const episode of catalog.episodes) {
    note(episode.publishedAt);
    if (episode.publishedAt > now) continue;
    if (episode.lifecycleKind !== 'none') {
      // Lifecycle episodes speak to one subscriber state (the pairing the auth hop grants by, so a
      // listed enclosure plays); never in a public feed, whatever their visibility.
      if (
        audience.kind === 'private' &&
        lifecycleMatches(episode.lifecycleKind, audience.lifecycle) &&
        episode.media
      ) {
        items.push({ episode, mode: 'full' });
      }
      continue;
    }
    if (episode.earlyAccessUntil !== null && episode.visibility === 'premium') note(episode.earlyAccessUntil);
    const playable = episode.media !== null;
    if (isEffectivelyPublic(episode, now)) {
      if (playable) items.push({ episode, mode: 'full' });
      continue;
    }
    const granted =
      audience.kind === 'private' && (audience.showGranted || audience.episodeIds.has(episode.id));
    if (granted && playable) items.push({ episode, mode: 'full' });
    else if (catalog.show.listPremiumTeasers) items.push({ episode, mode: 'teaser' });
  }
  return { items, validUntil, changedAt };
}

/** Cache key part naming everything about the audience that changes the rendered body. */
export function audienceKey(audience: FeedAudience, showId: string): string {
  if (audience.kind === 'public') return 'public';
  const episodes = [...audience.episodeIds].sort().join(',');
  return `private|${audience.lifecycle}|${audience.showGranted ? showId : '-'}|${audience.planIds.join(',')}|${episodes}`;
}
