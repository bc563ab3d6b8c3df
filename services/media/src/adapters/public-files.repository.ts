import type { Prisma, PrismaClient } from '@gatehouse/db';
import { errors } from '@gatehouse/errors';
import type { PublicFile } from '../domain/public-files/public-file.ts';
import type { PublicFilesRepository } from '../domain/public-files/public-files.service.ts';
import type { PrismaEpisodesRepository } from './episodes.repository.ts';

// The row type through the Prisma namespace (@gatehouse/db exports a fixed list of model types).
type PublicFileRow = Prisma.PublicFileGetPayload<object>;

export const toPublicFile = (row: PublicFileRow): PublicFile => ({
  id: row.id,
  tenantId: row.tenantId,
  showId: row.showId,
  kind: row.kind,
  storage: row.storageDriver,
  objectKey: row.objectKey,
  fileName: row.fileName,
  contentType: row.contentType,
  byteSize: row.byteSize,
  sha256: row.sha256,
  width: row.width,
  height: row.height,
  createdAt: row.createdAt,
});

const toRow = (file: PublicFile) => ({
  id: file.id,
  tenantId: file.tenantId,
  showId: file.showId,
  kind: file.kind,
  storageDriver: file.storage,
  objectKey: file.objectKey,
  fileName: file.fileName,
  contentType: file.contentType,
  byteSize: file.byteSize,
  sha256: file.sha256,
  width: file.width,
  height: file.height,
  createdAt: file.createdAt,
});

const episodeColumn = { transcript: 'transcriptFileId', chapters: 'chaptersFileId' } as const;
const episodeRelation = { transcript: 'transcriptFile', chapters: 'chaptersFile' } as const;

/** Public file rows; attaching to an episode is an episode change (version, event, policy). */
export function createPublicFilesRepository(
  prisma: PrismaClient,
  episodes: PrismaEpisodesRepository,
): PublicFilesRepository {
  /** Swaps the show's artwork inside one transaction (row lock on the show) and answers the old file. */
  const swapArtwork = (tenantId: string, showId: string, next: PublicFile | null) =>
    prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ artwork_file_id: string | null }[]>`
        SELECT artwork_file_id FROM shows WHERE id = ${showId}::uuid AND tenant_id = ${tenantId}::uuid FOR UPDATE`;
      const current = locked[0];
      if (!current) throw errors.notFound('show');
      if (next) await tx.publicFile.create({ data: toRow(next) });
      await tx.show.update({ where: { id: showId }, data: { artworkFileId: next?.id ?? null } });
      if (!current.artwork_file_id) return null;
      const previous = await tx.publicFile.findUnique({ where: { id: current.artwork_file_id } });
      return previous ? toPublicFile(previous) : null;
    });

  /** Sets (or clears) an episode's transcript/chapters file as an episode change; answers the old file. */
  async function swapEpisodeFile(
    tenantId: string,
    episodeId: string,
    kind: 'transcript' | 'chapters',
    next: PublicFile | null,
  ): Promise<PublicFile | null> {
    let previous: PublicFile | null = null;
    await episodes.changeInTransaction(tenantId, episodeId, async (tx, current) => {
      if (current.status === 'removed') throw errors.conflict('episode was removed');
      const previousId = current[episodeColumn[kind]];
      if (previousId) {
        const row = await tx.publicFile.findUnique({ where: { id: previousId } });
        previous = row ? toPublicFile(row) : null;
      }
      if (next) await tx.publicFile.create({ data: toRow(next) });
      return { [episodeColumn[kind]]: next?.id ?? null };
    });
    return previous;
  }

  return {
    attachArtwork: (tenantId, showId, file) => swapArtwork(tenantId, showId, file),
    detachArtwork: (tenantId, showId) => swapArtwork(tenantId, showId, null),
    attachToEpisode: (tenantId, episodeId, file) =>
      swapEpisodeFile(tenantId, episodeId, file.kind === 'chapters' ? 'chapters' : 'transcript', file),
    detachFromEpisode: (tenantId, episodeId, kind) => swapEpisodeFile(tenantId, episodeId, kind, null),
    async findServable(fileId, now) {
      const row = await prisma.publicFile.findUnique({
        where: { id: fileId },
        include: {
          artworkOfShow: { select: { id: true } },
          transcriptOfEpisode: { select: { status: true, publishedAt: true } },
          chaptersOfEpisode: { select: { status: true, publishedAt: true } },
        },
      });
      if (!row) return undefined;
      if (row.kind === 'artwork') return row.artworkOfShow ? toPublicFile(row) : undefined;
      const episode = row.kind === 'transcript' ? row.transcriptOfEpisode : row.chaptersOfEpisode;
      // Read time, like the feeds and the edge: published, and its publication time has come.
      const live =
        episode?.status === 'published' && episode.publishedAt !== null && episode.publishedAt <= now;
      return live ? toPublicFile(row) : undefined;
    },
    async delete(fileId) {
      await prisma.publicFile.deleteMany({ where: { id: fileId } });
    },
  };
}

/** The Prisma include that gives an episode row its public files. */
export const episodeFilesInclude = {
  [episodeRelation.transcript]: true,
  [episodeRelation.chapters]: true,
} as const;
