import { useQuery } from '@tanstack/react-query';
import { api } from '../../../shared/api-client.ts';

/** A stored public file (artwork, transcript, chapters) as the media API describes it. */
export interface PublicFileRef {
  url: string;
  contentType: string;
  byteSize: number;
  width: number | null;
  height: number | null;
}

/** `GET /api/v1/shows/:id` (services/media routes/schemas.ts `Show`). */
export interface Show {
  id: string;
  slug: string;
  title: string;
  description: string;
  author: string;
  ownerEmail: string | null;
  ownerName: string | null;
  copyright: string | null;
  imageUrl: string | null;
  language: string;
  itunesCategory: string | null;
  itunesSubcategory: string | null;
  itunesType: 'episodic' | 'serial';
  explicit: boolean;
  websiteUrl: string | null;
  listPremiumTeasers: boolean;
  artwork: PublicFileRef | null;
  podcastGuid: string;
  createdAt: string;
  updatedAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const showsKey = ['shows'] as const;
export const showKey = (id: string) => ['shows', id] as const;

/** The tenant's shows (the API pages by 100 at most; a creator rarely has more). */
export function useShows() {
  return useQuery({
    queryKey: showsKey,
    queryFn: () => api<Page<Show>>('/api/v1/shows?limit=100'),
  });
}

export function useShow(id: string) {
  return useQuery({ queryKey: showKey(id), queryFn: () => api<Show>(`/api/v1/shows/${id}`) });
}

/** Where podcast apps fetch the show's artwork: the stored file, else the external URL. */
export const artworkSrc = (show: Show): string | null => show.artwork?.url ?? show.imageUrl;

/** The show's public feed (services/feeds `/p/:tenantSlug/:show.xml`): free episodes, premium teasers. */
export const publicFeedUrl = (tenantSlug: string, showSlug: string) =>
  `${window.location.origin}/p/${tenantSlug}/${showSlug}.xml`;

/** The listener page where people subscribe and get their private feed. */
export const listenerPageUrl = (tenantSlug: string, showSlug: string) =>
  `${window.location.origin}/listen/${tenantSlug}/${showSlug}`;
