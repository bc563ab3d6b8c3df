import type { CustomDomain, Show } from '@gatehouse/db';
import type { EpisodeRow } from '../adapters/episodes.repository.ts';
import type { UploadRecord } from '../domain/upload-finalizer.ts';

/** Rows → API bodies. Object keys and storage details stay internal. */
const iso = (date: Date) => date.toISOString();
const isoOrNull = (date: Date | null) => (date ? date.toISOString() : null);

export const showDto = (show: Show) => ({
  id: show.id,
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
  listPremiumTeasers: show.listPremiumTeasers,
  podcastGuid: show.podcastGuid,
  createdAt: iso(show.createdAt),
  updatedAt: iso(show.updatedAt),
});

const fileNameOf = (objectKey: string) => objectKey.slice(objectKey.lastIndexOf('/') + 1);

export const episodeDto = (row: EpisodeRow) => {
  const asset = row.currentMediaAsset;
  return {
    id: row.id,
    showId: row.showId,
    guid: row.guid,
    title: row.title,
    description: row.description,
    seasonNumber: row.seasonNumber,
    episodeNumber: row.episodeNumber,
    episodeType: row.episodeType,
    visibility: row.visibility,
    earlyAccessUntil: isoOrNull(row.earlyAccessUntil),
    lifecycleKind: row.lifecycleKind,
    transcriptUrl: row.transcriptUrl,
    transcriptType: row.transcriptType,
    chaptersUrl: row.chaptersUrl,
    explicit: row.explicit,
    status: row.status,
    publishedAt: isoOrNull(row.publishedAt),
    version: row.version,
    media:
      asset && asset.status === 'ready'
        ? {
            uploadId: asset.id,
            fileName: fileNameOf(asset.objectKey),
            contentType: asset.contentType,
            byteSize: Number(asset.byteSize ?? 0n),
            durationSeconds: asset.durationSeconds,
          }
        : null,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
};

export const uploadDto = (upload: UploadRecord) => ({
  id: upload.id,
  episodeId: upload.episodeId,
  status: upload.status,
  fileName: fileNameOf(upload.objectKey),
  contentType: upload.contentType,
  byteSize: upload.byteSize,
  durationSeconds: upload.durationSeconds,
  sha256: upload.sha256,
  createdAt: iso(upload.createdAt),
});

export const domainDto = (domain: CustomDomain) => ({
  id: domain.id,
  hostname: domain.hostname,
  status: domain.status,
  verificationToken: domain.verificationToken,
  verifiedAt: isoOrNull(domain.verifiedAt),
  createdAt: iso(domain.createdAt),
});
