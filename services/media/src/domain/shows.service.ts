import { randomUUID } from 'node:crypto';
import { errors } from '@gatehouse/errors';
import { found } from './found.ts';
import type { Page, PageRequest } from './page.ts';
import type { PublicFileRef } from './public-files/public-file.ts';

/** The fields a creator edits on a show (RSS channel metadata). */
export interface ShowFields {
  title: string;
  description: string;
  author: string;
  ownerEmail: string | null;
  imageUrl: string | null;
  language: string;
  itunesCategory: string | null;
  itunesSubcategory: string | null;
  explicit: boolean;
  websiteUrl: string | null;
  listPremiumTeasers: boolean;
  /** `<itunes:type>`: episodic (newest first) or serial (in order). */
  itunesType: 'episodic' | 'serial';
  /** `<itunes:owner><itunes:name>`; the author when null. */
  ownerName: string | null;
  copyright: string | null;
}

export interface Show extends ShowFields {
  id: string;
  slug: string;
  /** Podcasting 2.0 `<podcast:guid>`: set once at creation, never changes. */
  podcastGuid: string;
  /** Stored artwork (`<itunes:image>`), set through the artwork route; wins over `imageUrl`. */
  artwork: PublicFileRef | null;
  createdAt: Date;
  updatedAt: Date;
}

export type ShowCreate = Partial<ShowFields> & { slug: string; title: string };
export type ShowChanges = Partial<ShowFields> & { slug?: string };

/** Shows in storage, always scoped by tenant. `create`/`update` throw `showSlugTaken()` on a duplicate slug. */
export interface ShowsRepository {
  create(tenantId: string, show: ShowCreate & { podcastGuid: string }): Promise<Show>;
  list(tenantId: string, page: PageRequest): Promise<Page<Show>>;
  find(tenantId: string, showId: string): Promise<Show | undefined>;
  update(tenantId: string, showId: string, changes: ShowChanges): Promise<Show | undefined>;
  /** Episodes of the show that are not removed. */
  countLiveEpisodes(showId: string): Promise<number>;
  delete(tenantId: string, showId: string): Promise<void>;
}

export const showSlugTaken = () => errors.conflict('a show with this slug already exists');

export interface ShowsService {
  create(tenantId: string, show: ShowCreate): Promise<Show>;
  list(tenantId: string, page: PageRequest): Promise<Page<Show>>;
  get(tenantId: string, showId: string): Promise<Show>;
  update(tenantId: string, showId: string, changes: ShowChanges): Promise<Show>;
  remove(tenantId: string, showId: string): Promise<void>;
}

export function createShowsService(shows: ShowsRepository): ShowsService {
  return {
    create: (tenantId, show) => shows.create(tenantId, { ...show, podcastGuid: randomUUID() }),
    list: (tenantId, page) => shows.list(tenantId, page),
    get: async (tenantId, showId) => found(await shows.find(tenantId, showId), 'show'),
    update: async (tenantId, showId, changes) => found(await shows.update(tenantId, showId, changes), 'show'),
    async remove(tenantId, showId) {
      found(await shows.find(tenantId, showId), 'show');
      // Deleting rows would leave the edge's episode policies behind: episodes are removed first (events).
      if ((await shows.countLiveEpisodes(showId)) > 0)
        throw errors.conflict('remove the show’s episodes first');
      await shows.delete(tenantId, showId);
    },
  };
}
