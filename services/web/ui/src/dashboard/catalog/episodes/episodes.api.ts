import { useQuery } from '@tanstack/react-query';
import { api } from '../../../shared/api-client.ts';
import type { Page, PublicFileRef } from '../shows/shows.api.ts';

/** `GET /api/v1/episodes/:id` (services/media routes/schemas.ts `Episode`). */
export interface Episode {
  id: string;
  showId: string;
  guid: string;
  title: string;
  description: string;
  seasonNumber: number | null;
  episodeNumber: number | null;
  episodeType: 'full' | 'trailer' | 'bonus';
  visibility: 'public' | 'premium';
  earlyAccessUntil: string | null;
  lifecycleKind: string;
  transcriptUrl: string | null;
  transcriptType: string | null;
  chaptersUrl: string | null;
  /** Stored files (they win over the URLs in the feed). */
  transcript: PublicFileRef | null;
  chapters: PublicFileRef | null;
  explicit: boolean | null;
  status: 'draft' | 'published' | 'removed';
  publishedAt: string | null;
  version: number;
  media: {
    uploadId: string;
    fileName: string;
    contentType: string;
    byteSize: number;
    durationSeconds: number | null;
  } | null;
  createdAt: string;
  updatedAt: string;
}

export const episodesKey = (showId: string) => ['shows', showId, 'episodes'] as const;
export const episodeKey = (id: string) => ['episodes', id] as const;

export function useEpisodes(showId: string) {
  return useQuery({
    queryKey: episodesKey(showId),
    queryFn: () => api<Page<Episode>>(`/api/v1/shows/${showId}/episodes?limit=100`),
  });
}

export function useEpisode(id: string) {
  return useQuery({ queryKey: episodeKey(id), queryFn: () => api<Episode>(`/api/v1/episodes/${id}`) });
}

/**
 * What a creator sees: a published episode with a future date is "scheduled"; unpublishing returns an
 * episode to draft but keeps its publication date (services/media episodes.service.ts), so a draft
 * with a date was published before.
 */
export type EpisodeState = 'draft' | 'scheduled' | 'published' | 'unpublished' | 'removed';

export function episodeState(
  episode: Pick<Episode, 'status' | 'publishedAt'>,
  now = Date.now(),
): EpisodeState {
  if (episode.status === 'removed') return 'removed';
  if (episode.status === 'draft') return episode.publishedAt ? 'unpublished' : 'draft';
  return episode.publishedAt && Date.parse(episode.publishedAt) > now ? 'scheduled' : 'published';
}

export const STATE_COLORS: Record<EpisodeState, string> = {
  draft: 'gray',
  scheduled: 'orange',
  published: 'green',
  unpublished: 'red',
  removed: 'red',
};
