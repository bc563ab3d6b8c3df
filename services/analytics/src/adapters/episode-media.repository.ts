import type { PrismaClient } from '@gatehouse/db';
import type { EpisodeMedia } from '../domain/counting/index.ts';
import { createPrefetchCache } from './prefetch-cache.ts';

/** Episodes' current file size and duration (media's tables), cached in process. */
export interface EpisodeMediaLookup {
  /** Loads what the cache lacks for these episodes (one query). */
  prefetch(episodeIds: Iterable<string>): Promise<void>;
  get(episodeId: string): EpisodeMedia | undefined;
}

/** Bound on cached episodes; past it the cache starts over (a lookup is one indexed query). */
const MAX_CACHED = 200_000;

interface Row {
  id: string;
  tenant_id: string;
  byte_size: bigint | null;
  duration_seconds: number | null;
}

export function createEpisodeMediaLookup(prisma: PrismaClient): EpisodeMediaLookup {
  return createPrefetchCache<EpisodeMedia>({
    maxCached: MAX_CACHED,
    async load(missing) {
      const rows = await prisma.$queryRaw<Row[]>`
        SELECT e.id::text AS id, e.tenant_id::text AS tenant_id, a.byte_size, a.duration_seconds
          FROM episodes e LEFT JOIN media_assets a ON a.id = e.current_media_asset_id
         WHERE e.id = ANY(${missing}::uuid[])`;
      return rows.map((row) => [
        row.id,
        {
          tenantId: row.tenant_id,
          byteSize: row.byte_size === null ? null : Number(row.byte_size),
          durationSeconds: row.duration_seconds,
          // media does not record where the audio starts (the ID3 tag size) yet: docs/analytics.md
          audioStartOffset: null,
        },
      ]);
    },
    // Unknown episodes (deleted since) count with the record's objectSize and the fallback rate.
    fallback: () => ({ tenantId: null, byteSize: null, durationSeconds: null, audioStartOffset: null }),
  });
}
