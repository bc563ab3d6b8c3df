import { errors } from '@gatehouse/errors';
import type { EpisodeStatus } from './episode-policy.ts';
import type { Page, PageRequest } from './page.ts';
import type { PublicFileRef } from './public-files/public-file.ts';
import type { UploadRecord } from './upload-finalizer.ts';

/** The fields a creator edits on an episode. */
export interface EpisodeFields {
  title: string;
  description: string;
  seasonNumber: number | null;
  episodeNumber: number | null;
  episodeType: 'full' | 'trailer' | 'bonus';
  visibility: 'public' | 'premium';
  /** Premium until this instant, public after. */
  earlyAccessUntil: Date | null;
  lifecycleKind: 'none' | 'welcome' | 'payment_failed' | 'subscription_ended';
  transcriptUrl: string | null;
  transcriptType: string | null;
  chaptersUrl: string | null;
  explicit: boolean | null;
}

/** The episode's current media file. */
export type EpisodeMedia = Pick<
  UploadRecord,
  'id' | 'objectKey' | 'contentType' | 'byteSize' | 'durationSeconds' | 'status'
>;

export interface Episode extends EpisodeFields {
  id: string;
  showId: string;
  /** RSS `<guid>`: never changes. */
  guid: string;
  status: EpisodeStatus;
  publishedAt: Date | null;
  /** Bumped on every change; the edge's records are written by version. */
  version: number;
  currentMediaAsset: EpisodeMedia | null;
  /** Stored transcript / chapters (`<podcast:transcript>`, `<podcast:chapters>`); win over the URLs. */
  transcriptFile: PublicFileRef | null;
  chaptersFile: PublicFileRef | null;
  createdAt: Date;
  updatedAt: Date;
}

export type EpisodeChanges = Partial<EpisodeFields> & { status?: EpisodeStatus; publishedAt?: Date };

/**
 * Episodes in storage, scoped by tenant. `change` runs `decide` on the locked current episode and
 * writes its changes, the next version, the media event and the edge's policy as one change.
 */
export interface EpisodesRepository {
  /** Throws not found (404) for another tenant's or an unknown episode. */
  get(tenantId: string, episodeId: string): Promise<Episode>;
  /** Throws not found for another tenant's or an unknown show. */
  list(tenantId: string, showId: string, page: PageRequest): Promise<Page<Episode>>;
  /** Throws not found for another tenant's show, `episodeGuidTaken()` for a guid the show has. */
  create(
    tenantId: string,
    showId: string,
    episode: Partial<EpisodeFields> & { title: string; guid?: string },
  ): Promise<Episode>;
  change(
    tenantId: string,
    episodeId: string,
    decide: (current: Episode) => EpisodeChanges | Promise<EpisodeChanges>,
  ): Promise<Episode>;
}

export const episodeGuidTaken = () => errors.conflict('an episode with this guid already exists in the show');

/** Episode fields as the API receives them: instants as RFC 3339 text. */
export type EpisodeInput = Partial<Omit<EpisodeFields, 'earlyAccessUntil'>> & {
  earlyAccessUntil?: string | null;
};

/**
 * An instant as a Date. The edge's access records carry these as Unix milliseconds ≥ 0
 * (`@gatehouse/contracts`), so a date before 1970 — valid RFC 3339 — is refused with a 400 instead
 * of failing as an invalid event (a 500) when the episode is next written.
 */
function toDate(value: string, field: string): Date;
function toDate(value: string | null | undefined, field: string): Date | null | undefined;
function toDate(value: string | null | undefined, field: string): Date | null | undefined {
  if (value === undefined || value === null) return value;
  const date = new Date(value);
  if (!(date.getTime() >= 0)) throw errors.validation(`body/${field} must be 1970-01-01T00:00:00Z or later`);
  return date;
}

function toFields({ earlyAccessUntil, ...rest }: EpisodeInput): Partial<EpisodeFields> {
  return {
    ...rest,
    ...(earlyAccessUntil !== undefined
      ? { earlyAccessUntil: toDate(earlyAccessUntil, 'earlyAccessUntil') }
      : {}),
  };
}

function unlessRemoved(current: Episode, message = 'episode was removed') {
  if (current.status === 'removed') throw errors.conflict(message);
}

export interface EpisodesService {
  create(
    tenantId: string,
    showId: string,
    input: EpisodeInput & { title: string; guid?: string },
  ): Promise<Episode>;
  list(tenantId: string, showId: string, page: PageRequest): Promise<Page<Episode>>;
  get(tenantId: string, episodeId: string): Promise<Episode>;
  edit(tenantId: string, episodeId: string, input: EpisodeInput): Promise<Episode>;
  /**
   * Publishes at `publishedAt` (a future instant schedules it: feeds and the edge list and serve it from
   * then on, decided at read time), else keeps an earlier publication time that has passed, else now.
   * Needs ready media.
   */
  publish(tenantId: string, episodeId: string, publishedAt?: string, now?: Date): Promise<Episode>;
  /** Back to draft: out of every feed and refused by the edge; a scheduled publication is cancelled. */
  unpublish(tenantId: string, episodeId: string): Promise<Episode>;
  /** Removal is a state, not a row deletion: the edge learns it (policy + event) and answers 404. */
  remove(tenantId: string, episodeId: string): Promise<Episode>;
}

export function createEpisodesService(episodes: EpisodesRepository): EpisodesService {
  return {
    create: (tenantId, showId, { title, guid, ...input }) =>
      episodes.create(tenantId, showId, {
        ...toFields(input),
        title,
        ...(guid !== undefined ? { guid } : {}),
      }),
    list: (tenantId, showId, page) => episodes.list(tenantId, showId, page),
    get: (tenantId, episodeId) => episodes.get(tenantId, episodeId),
    edit: (tenantId, episodeId, input) =>
      episodes.change(tenantId, episodeId, (current) => {
        unlessRemoved(current);
        return toFields(input);
      }),
    async publish(tenantId, episodeId, publishedAt, now = new Date()) {
      const requested = publishedAt === undefined ? undefined : toDate(publishedAt, 'publishedAt');
      return episodes.change(tenantId, episodeId, (current) => {
        unlessRemoved(current);
        if (current.currentMediaAsset?.status !== 'ready')
          throw errors.conflict('episode has no ready media; complete an upload first');
        // "Publish now" on a scheduled episode brings it forward; a past date (republish) is kept.
        const earlier = current.publishedAt && current.publishedAt <= now ? current.publishedAt : undefined;
        return { status: 'published', publishedAt: requested ?? earlier ?? now };
      });
    },
    unpublish: (tenantId, episodeId) =>
      episodes.change(tenantId, episodeId, (current) => {
        unlessRemoved(current);
        return { status: 'draft' };
      }),
    remove: (tenantId, episodeId) =>
      episodes.change(tenantId, episodeId, (current) => {
        unlessRemoved(current, 'episode was already removed');
        return { status: 'removed' };
      }),
  };
}
