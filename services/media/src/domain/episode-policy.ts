import type { EpisodePolicy, Subject } from '@gatehouse/contracts';

export type EpisodeStatus = EpisodePolicy['status'];

/** What the policy needs of an episode and its current media (plain values, no ORM types). */
export interface EpisodeAccessState {
  id: string;
  tenantId: string;
  showId: string;
  status: EpisodeStatus;
  visibility: EpisodePolicy['visibility'];
  publishedAt: Date | null;
  earlyAccessUntil: Date | null;
  version: number;
  media: {
    storage: 's3' | 'local';
    objectKey: string;
    contentType: string;
    byteSize: number;
    fileName: string;
    ready: boolean;
  } | null;
}

/**
 * The record the edge's auth hop reads for an episode. Media is only included once it is ready, so a
 * half-finished upload is never served; `publicFrom` is set only for premium episodes with early access.
 */
export function toEpisodePolicy(episode: EpisodeAccessState): EpisodePolicy {
  const media = episode.media?.ready
    ? {
        storage: episode.media.storage,
        objectKey: episode.media.objectKey,
        contentType: episode.media.contentType,
        byteSize: episode.media.byteSize,
        fileName: episode.media.fileName,
      }
    : null;
  return {
    tenantId: episode.tenantId,
    showId: episode.showId,
    episodeId: episode.id,
    status: episode.status,
    visibility: episode.visibility,
    publicFrom:
      episode.visibility === 'premium' && episode.earlyAccessUntil
        ? episode.earlyAccessUntil.getTime()
        : null,
    publishedAt: episode.publishedAt ? episode.publishedAt.getTime() : null,
    media,
    version: episode.version,
  };
}

/** Which media event a change is: it became published, it was removed, or anything else. */
export function episodeEventSubject(
  before: EpisodeStatus,
  after: EpisodeStatus,
): Extract<Subject, `gh.media.${string}`> {
  if (after === 'removed' && before !== 'removed') return 'gh.media.episode.removed.v1';
  if (after === 'published' && before !== 'published') return 'gh.media.episode.published.v1';
  return 'gh.media.episode.updated.v1';
}
