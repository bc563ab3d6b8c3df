import { errors } from '@gatehouse/errors';

/** What a listener may see of a show before paying: never a media URL, never a subscriber. */
export interface PublicShow {
  tenant: { slug: string; name: string };
  show: {
    slug: string;
    title: string;
    author: string;
    description: string;
    /** Stored artwork (root-relative, served by media through the edge) or the creator's external URL. */
    artworkUrl: string | null;
    language: string;
    explicit: boolean;
  };
  episodes: PublicEpisode[];
  plans: PublicPlan[];
}

export interface PublicEpisode {
  id: string;
  title: string;
  publishedAt: string;
  durationSeconds: number | null;
  /** `free` = anyone may listen (public, or its early access ended); `premium` = a plan grants it. */
  access: 'free' | 'premium';
  episodeType: 'full' | 'trailer' | 'bonus';
  seasonNumber: number | null;
  episodeNumber: number | null;
}

export interface PublicPlan {
  id: string;
  name: string;
  description: string;
  /** Minor currency units (cents). */
  amount: number;
  currency: string;
  interval: 'month' | 'year';
  trialDays: number;
}

/** Reads a published show of an active creator (adapters/public-shows.repository.ts). */
export interface PublicShowsStore {
  /** Undefined when the creator or the show is unknown, or the creator is not active. */
  findShow(tenantSlug: string, showSlug: string, now: Date): Promise<PublicShow | undefined>;
}

/** Most episodes a show page lists; the feed carries the full back catalogue. */
export const PUBLIC_EPISODE_LIMIT = 200;

export function createPublicShowsService(store: PublicShowsStore, now: () => number = Date.now) {
  return {
    /** The show page's data; 404 `NOT_FOUND` ("show not found") for unknown or unpublished shows. */
    async show(tenantSlug: string, showSlug: string): Promise<PublicShow> {
      const show = await store.findShow(tenantSlug, showSlug, new Date(now()));
      if (!show) throw errors.notFound('show');
      return show;
    },
  };
}

export type PublicShowsService = ReturnType<typeof createPublicShowsService>;
