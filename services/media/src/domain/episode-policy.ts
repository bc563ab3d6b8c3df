import type { EpisodePolicy, Subject } from '@gatehouse/contracts';

export type EpisodeStatus = EpisodePolicy['status'];

// The policy record itself is built by the shared `@gatehouse/access-snapshot` (the auth cold path
// rebuilds the same record from Postgres when Redis lost it).
export { type EpisodeAccessState, toEpisodePolicy } from '@gatehouse/access-snapshot';

/** Which media event a change is: it became published, it was removed, or anything else. */
export function episodeEventSubject(
  before: EpisodeStatus,
  after: EpisodeStatus,
): Extract<Subject, `gh.media.${string}`> {
  if (after === 'removed' && before !== 'removed') return 'gh.media.episode.removed.v1';
  if (after === 'published' && before !== 'published') return 'gh.media.episode.published.v1';
  return 'gh.media.episode.updated.v1';
}
