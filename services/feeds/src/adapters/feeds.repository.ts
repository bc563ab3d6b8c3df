import type { PrismaClient } from '@gatehouse/db';
import type { CatalogStore } from '../domain/catalog-cache.ts';
import type { EpisodeView, ShowCatalog } from '../domain/feed-model.ts';
import { mediaFileName } from './media-file-name.ts';

const ms = (date: Date | null | undefined) => (date ? date.getTime() : 0);

/** Where media serves a stored public file (services/media public-files.routes.ts, `publicFilePath`). */
const filePath = (file: { id: string; fileName: string }) =>
  `/api/v1/public/files/${file.id}/${encodeURIComponent(file.fileName)}`;
const fileView = (file: { id: string; fileName: string; contentType: string } | null) =>
  file && { path: filePath(file), contentType: file.contentType };
const fileSelect = { select: { id: true, fileName: true, contentType: true } } as const;

/** Catalog reads: a show and its published episodes with their current, ready media. */
export function createCatalogStore(prisma: PrismaClient): CatalogStore {
  return {
    async loadCatalog(showId) {
      const show = await prisma.show.findUnique({
        where: { id: showId },
        include: {
          tenant: {
            select: {
              slug: true,
              name: true,
              status: true,
              // The creator's domain once verified: the first one verified, if there are several.
              customDomains: {
                where: { status: 'active' },
                orderBy: [{ verifiedAt: 'asc' }, { id: 'asc' }],
                take: 1,
                select: { hostname: true },
              },
            },
          },
          artwork: fileSelect,
          episodes: {
            where: { status: 'published', publishedAt: { not: null } },
            orderBy: [{ publishedAt: 'desc' }, { id: 'desc' }],
            include: { currentMediaAsset: true, transcriptFile: fileSelect, chaptersFile: fileSelect },
          },
        },
      });
      if (show?.tenant.status !== 'active') return undefined;
      let lastModified = ms(show.updatedAt);
      const episodes: EpisodeView[] = show.episodes.map((episode) => {
        const asset = episode.currentMediaAsset;
        const ready = asset && asset.status === 'ready' && asset.byteSize !== null;
        const updatedAt = Math.max(ms(episode.updatedAt), ms(asset?.updatedAt));
        lastModified = Math.max(lastModified, updatedAt);
        return {
          id: episode.id,
          guid: episode.guid,
          title: episode.title,
          description: episode.description,
          seasonNumber: episode.seasonNumber,
          episodeNumber: episode.episodeNumber,
          episodeType: episode.episodeType,
          visibility: episode.visibility,
          publishedAt: ms(episode.publishedAt),
          earlyAccessUntil: episode.earlyAccessUntil ? episode.earlyAccessUntil.getTime() : null,
          lifecycleKind: episode.lifecycleKind,
          transcriptUrl: episode.transcriptUrl,
          transcriptType: episode.transcriptType,
          chaptersUrl: episode.chaptersUrl,
          transcriptFile: fileView(episode.transcriptFile),
          chaptersFile: fileView(episode.chaptersFile),
          explicit: episode.explicit,
          updatedAt,
          media: ready
            ? {
                fileName: mediaFileName(asset.objectKey),
                contentType: asset.contentType,
                byteSize: Number(asset.byteSize),
                durationSeconds: asset.durationSeconds,
              }
            : null,
        };
      });
      const catalog: ShowCatalog = {
        show: {
          id: show.id,
          tenantId: show.tenantId,
          tenantSlug: show.tenant.slug,
          tenantName: show.tenant.name,
          slug: show.slug,
          title: show.title,
          description: show.description,
          author: show.author,
          ownerEmail: show.ownerEmail,
          imageUrl: show.imageUrl,
          language: show.language,
          itunesCategory: show.itunesCategory,
          itunesSubcategory: show.itunesSubcategory,
          explicit: show.explicit,
          websiteUrl: show.websiteUrl,
          podcastGuid: show.podcastGuid,
          listPremiumTeasers: show.listPremiumTeasers,
          itunesType: show.itunesType,
          ownerName: show.ownerName,
          copyright: show.copyright,
          artworkPath: show.artwork ? filePath(show.artwork) : null,
          customDomain: show.tenant.customDomains[0]?.hostname ?? null,
        },
        episodes,
        version: '',
        lastModified,
      };
      catalog.version = `${lastModified}-${episodes.length}-${catalog.show.customDomain ?? ''}`;
      return catalog;
    },

    async loadStamp(showId) {
      // One round trip: the newest change of the show, its episodes and their media, and counts
      // (a deleted row lowers a count even when no timestamp moves).
      const rows = await prisma.$queryRaw<{ stamp: string | null }[]>`
        SELECT concat_ws('|',
          (SELECT extract(epoch FROM s.updated_at)::text || t.status::text FROM shows s JOIN tenants t ON t.id = s.tenant_id WHERE s.id = ${showId}::uuid),
          (SELECT count(*)::text || ':' || coalesce(extract(epoch FROM max(e.updated_at))::text, '') FROM episodes e WHERE e.show_id = ${showId}::uuid),
          (SELECT count(*)::text || ':' || coalesce(extract(epoch FROM max(m.updated_at))::text, '') FROM media_assets m JOIN episodes e ON e.id = m.episode_id WHERE e.show_id = ${showId}::uuid),
          (SELECT count(*)::text || ':' || coalesce(extract(epoch FROM max(d.updated_at))::text, '') FROM custom_domains d JOIN shows s ON s.tenant_id = d.tenant_id WHERE s.id = ${showId}::uuid AND d.status = 'active')
        ) AS stamp
        WHERE EXISTS (SELECT 1 FROM shows WHERE id = ${showId}::uuid)`;
      return rows[0]?.stamp ?? undefined;
    },

    async resolveSlug(tenantSlug, showSlug) {
      const show = await prisma.show.findFirst({
        where: { slug: showSlug, tenant: { slug: tenantSlug } },
        select: { id: true },
      });
      return show?.id;
    },
  };
}
