import type { CustomDomain } from '../domain/custom-domains.service.ts';
import type { Episode } from '../domain/episodes.service.ts';
import { type PublicFileRef, publicFilePath } from '../domain/public-files/public-file.ts';
import type { Show } from '../domain/shows.service.ts';
import type { UploadRecord } from '../domain/upload-finalizer.ts';
import type { UploadInstructions, UploadProgress } from '../domain/uploads.service.ts';

/** Domain objects → API bodies. Object keys and storage details stay internal. */
const iso = (date: Date) => date.toISOString();
const isoOrNull = (date: Date | null) => (date ? date.toISOString() : null);

/** A stored public file as API bodies show it: its public URL (under `base`, the edge's address) and facts. */
const fileDto = (file: PublicFileRef | null, base: string) =>
  file && {
    url: `${base}${publicFilePath(file)}`,
    contentType: file.contentType,
    byteSize: file.byteSize,
    sha256: file.sha256,
    width: file.width,
    height: file.height,
  };

/** Shows and episodes → API bodies; their files' URLs start with `base` (PUBLIC_BASE_URL, or '' for paths). */
export function catalogDtos(base: string) {
  return {
    showDto: (show: Show) => ({ ...showBody(show), artwork: fileDto(show.artwork, base) }),
    episodeDto: (episode: Episode) => ({
      ...episodeBody(episode),
      transcript: fileDto(episode.transcriptFile, base),
      chapters: fileDto(episode.chaptersFile, base),
    }),
  };
}

const showBody = (show: Show) => ({
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
  itunesType: show.itunesType,
  ownerName: show.ownerName,
  copyright: show.copyright,
  podcastGuid: show.podcastGuid,
  createdAt: iso(show.createdAt),
  updatedAt: iso(show.updatedAt),
});

/** A published episode whose time has not come is `scheduled`: read-time, like the feeds and the edge. */
export const publicationState = (episode: Pick<Episode, 'status' | 'publishedAt'>, now: number) =>
  episode.status === 'published' && episode.publishedAt !== null && episode.publishedAt.getTime() > now
    ? ('scheduled' as const)
    : episode.status;

const fileNameOf = (objectKey: string) => objectKey.slice(objectKey.lastIndexOf('/') + 1);

const episodeBody = (episode: Episode) => {
  const asset = episode.currentMediaAsset;
  return {
    id: episode.id,
    showId: episode.showId,
    guid: episode.guid,
    title: episode.title,
    description: episode.description,
    seasonNumber: episode.seasonNumber,
    episodeNumber: episode.episodeNumber,
    episodeType: episode.episodeType,
    visibility: episode.visibility,
    earlyAccessUntil: isoOrNull(episode.earlyAccessUntil),
    lifecycleKind: episode.lifecycleKind,
    transcriptUrl: episode.transcriptUrl,
    transcriptType: episode.transcriptType,
    chaptersUrl: episode.chaptersUrl,
    explicit: episode.explicit,
    status: publicationState(episode, Date.now()),
    publishedAt: isoOrNull(episode.publishedAt),
    version: episode.version,
    media:
      asset && asset.status === 'ready'
        ? {
            uploadId: asset.id,
            fileName: fileNameOf(asset.objectKey),
            contentType: asset.contentType,
            byteSize: asset.byteSize,
            durationSeconds: asset.durationSeconds,
          }
        : null,
    createdAt: iso(episode.createdAt),
    updatedAt: iso(episode.updatedAt),
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

export const uploadInstructionsDto = (instructions: UploadInstructions) =>
  instructions.kind === 'single'
    ? {
        upload: uploadDto(instructions.upload),
        kind: instructions.kind,
        put: {
          method: instructions.put.method,
          url: instructions.put.url,
          headers: instructions.put.headers,
          expiresAt: new Date(instructions.put.expiresAt).toISOString(),
        },
      }
    : {
        upload: uploadDto(instructions.upload),
        kind: instructions.kind,
        multipart: {
          ...instructions.multipart,
          expiresAt: new Date(instructions.multipart.expiresAt).toISOString(),
        },
      };

export const uploadProgressDto = (progress: UploadProgress) => ({
  ...progress,
  expiresAt: new Date(progress.expiresAt).toISOString(),
});

export const domainDto = (domain: CustomDomain) => ({
  id: domain.id,
  hostname: domain.hostname,
  status: domain.status,
  verificationToken: domain.verificationToken,
  verifiedAt: isoOrNull(domain.verifiedAt),
  createdAt: iso(domain.createdAt),
});
