import type { MediaAsset, PrismaClient } from '@gatehouse/db';
import { errors } from '@gatehouse/errors';
import type { UploadRecord } from '../domain/upload-finalizer.ts';
import type { UploadsRepository } from '../domain/uploads.service.ts';
import type { PrismaEpisodesRepository } from './episodes.repository.ts';

const toRecord = (row: MediaAsset): UploadRecord => ({
  id: row.id,
  tenantId: row.tenantId,
  episodeId: row.episodeId,
  storage: row.storageDriver,
  objectKey: row.objectKey,
  contentType: row.contentType,
  byteSize: Number(row.byteSize ?? 0n),
  durationSeconds: row.durationSeconds,
  sha256: row.sha256,
  status: row.status,
  multipartUploadId: row.multipartUploadId,
  partSize: row.partSize,
  originalFileName: row.originalFileName,
  createdAt: row.createdAt,
});

/** Media asset rows as uploads, scoped by tenant. Attaching a ready asset is an episode change (event + policy). */
export function createUploadsRepository(
  prisma: PrismaClient,
  episodes: PrismaEpisodesRepository,
): UploadsRepository {
  return {
    async create(input) {
      const row = await prisma.mediaAsset.create({
        data: {
          id: input.id,
          tenantId: input.tenantId,
          episodeId: input.episodeId,
          storageDriver: input.storage,
          objectKey: input.objectKey,
          originalFileName: input.originalFileName,
          contentType: input.contentType,
          byteSize: BigInt(input.byteSize),
          sha256: input.sha256,
          status: input.multipartUploadId ? 'uploading' : 'pending',
          multipartUploadId: input.multipartUploadId,
          partSize: input.partSize,
        },
      });
      return toRecord(row);
    },
    async find(tenantId, uploadId) {
      const row = await prisma.mediaAsset.findFirst({ where: { id: uploadId, tenantId } });
      return row ? toRecord(row) : undefined;
    },
    async markFailed(uploadId) {
      await prisma.mediaAsset.updateMany({
        where: { id: uploadId, status: { in: ['pending', 'uploading'] } },
        data: { status: 'failed' },
      });
    },
    markReadyAndAttach: (upload, probe) =>
      episodes.changeInTransaction(upload.tenantId, upload.episodeId, async (tx, current) => {
        if (current.status === 'removed') throw errors.conflict('episode was removed');
        const claimed = await tx.mediaAsset.updateMany({
          where: { id: upload.id, status: { in: ['pending', 'uploading'] } },
          data: {
            status: 'ready',
            contentType: probe.contentType,
            durationSeconds: probe.durationSeconds,
            sha256: probe.sha256,
            multipartUploadId: null,
          },
        });
        if (claimed.count === 0) throw errors.conflict('upload already completed or failed');
        return { currentMediaAssetId: upload.id };
      }),
    async recentlyReadyS3Keys(since, limit = 5000) {
      const rows = await prisma.mediaAsset.findMany({
        where: { status: 'ready', storageDriver: 's3', updatedAt: { gte: since } },
        select: { objectKey: true },
        orderBy: { updatedAt: 'desc' },
        take: limit,
      });
      return rows.map((row) => row.objectKey);
    },
    async isReadyObject(objectKey, storage) {
      const row = await prisma.mediaAsset.findUnique({
        where: { objectKey },
        select: { status: true, storageDriver: true },
      });
      return row?.status === 'ready' && row.storageDriver === storage;
    },
  };
}
