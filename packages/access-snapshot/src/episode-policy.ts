import type { EpisodeLifecycle, EpisodePolicy } from '@gatehouse/contracts';

/** What the policy needs of an episode and its current media (plain values, no ORM types). */
export interface EpisodeAccessState {
  id: string;
  tenantId: string;
  showId: string;
  status: EpisodePolicy['status'];
  visibility: EpisodePolicy['visibility'];
  publishedAt: Date | null;
  earlyAccessUntil: Date | null;
  lifecycleKind: EpisodeLifecycle;
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

/** The columns of an episode row (and its current media asset) the policy is made of. */
export interface EpisodeRowFacts {
  id: string;
  tenantId: string;
  showId: string;
  status: EpisodePolicy['status'];
  visibility: EpisodePolicy['visibility'];
  publishedAt: Date | null;
  earlyAccessUntil: Date | null;
  lifecycleKind: EpisodeLifecycle;
  version: number;
  currentMediaAsset: {
    storageDriver: 's3' | 'local';
    objectKey: string;
    contentType: string;
    byteSize: bigint | null;
    status: string;
  } | null;
}

/** Row → access state; the file name is the last segment of the content-addressed object key. */
export function episodeAccessStateOf(row: EpisodeRowFacts): EpisodeAccessState {
  const asset = row.currentMediaAsset;
  return {
    id: row.id,
    tenantId: row.tenantId,
    showId: row.showId,
    status: row.status,
    visibility: row.visibility,
    publishedAt: row.publishedAt,
    earlyAccessUntil: row.earlyAccessUntil,
    lifecycleKind: row.lifecycleKind,
    version: row.version,
    media: asset
      ? {
          storage: asset.storageDriver,
          objectKey: asset.objectKey,
          contentType: asset.contentType,
          byteSize: Number(asset.byteSize ?? 0n),
          fileName: asset.objectKey.slice(asset.objectKey.lastIndexOf('/') + 1),
          ready: asset.status === 'ready',
        }
      : null,
  };
}

/**
 * The record the edge's auth hop reads for an episode. Media is only included once it is ready, so a
 * half-finished upload is never served; `publicFrom` is set only for premium episodes with early access.
 * Shared by media (write-through and events) and the auth cold path, so both write the same record.
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
    // Always written (also `none`), so every new record states it; only old records lack it.
    lifecycle: episode.lifecycleKind,
    media,
    version: episode.version,
  };
}
