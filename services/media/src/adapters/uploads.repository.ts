import type { PrismaClient } from '@gatehouse/db';
import { errors } from '@gatehouse/errors';
import type { UploadRecord } from '../domain/upload-finalizer.ts';
import type { EpisodesRepository } from './episodes.repository.ts';

/** Media assets as uploads, scoped by tenant. Attaching a ready asset is an episode change (event + policy). */
export function createUploadsRepository(prisma: PrismaClient, episodes: EpisodesRepository) {
  const toRecord = (row: {
    id: string;
    tenantId: string;
    episodeId: string;
    storageDriver: 's3' | 'local';
    objectKey: string;
    contentType: string;
    byteSize: bigint | null;
    durationSeconds: number | null;
    sha256: string | null;
    status: 'pending' | 'uploading' | 'ready' | 'failed';
    multipartUploadId: string | null;
    originalFileName: string | null;
    createdAt: Date;
  }): UploadRecord => ({
    id: row.id,
    tenantId: row.tenantId,
    episodeId: row.episodeId,
    storage: row.storageDriver,
    objectKey: row.objectKey,
    contentType: row.contentType,
    byteSize: Number(row.byteSize ?? 0n),
    durationSeconds: row.durationSeconds,
    sha256: row.sha256 ?? '',
    status: row.status,
    multipartUploadId: row.multipartUploadId,
    originalFileName: row.originalFileName,
    createdAt: row.createdAt,
  });

  return {
    async create(input: {
      id: string;
      tenantId: string;
      episodeId: string;
      storage: 's3' | 'local';
      objectKey: string;
      originalFileName: string;
      contentType: string;
      byteSize: number;
      sha256: string;
      multipartUploadId: string | null;
    }): Promise<UploadRecord> {
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
        },
      });
      return toRecord(row);
    },
    async find(tenantId: string, uploadId: string): Promise<UploadRecord | undefined> {
      const row = await prisma.mediaAsset.findFirst({ where: { id: uploadId, tenantId } });
      return row ? toRecord(row) : undefined;
    },
    async markFailed(uploadId: string): Promise<void> {
      await prisma.mediaAsset.updateMany({
        where: { id: uploadId, status: { in: ['pending', 'uploading'] } },
        data: { status: 'failed' },
      });
    },
    /** Marks the asset ready and makes it the episode's current media, in the episode's change transaction. */
    async markReadyAndAttach(
      upload: UploadRecord,
      probe: { contentType: string; durationSeconds: number | null },
    ) {
      return episodes.change(upload.tenantId, upload.episodeId, async (tx, current) => {
        if (current.status === 'removed') throw errors.conflict('episode was removed');
        const claimed = await tx.mediaAsset.updateMany({
          where: { id: upload.id, status: { in: ['pending', 'uploading'] } },
          data: {
            status: 'ready',
            contentType: probe.contentType,
            durationSeconds: probe.durationSeconds,
            multipartUploadId: null,
          },
        });
        if (claimed.count === 0) throw errors.conflict('upload already completed or failed');
        return { currentMediaAssetId: upload.id };
      });
    },
    /** Ready S3 objects that became ready recently (the origin sweep keeps their URLs warm). */
    async recentlyReadyS3Keys(since: Date, limit = 5000): Promise<string[]> {
      const rows = await prisma.mediaAsset.findMany({
        where: { status: 'ready', storageDriver: 's3', updatedAt: { gte: since } },
        select: { objectKey: true },
        orderBy: { updatedAt: 'desc' },
        take: limit,
      });
      return rows.map((row) => row.objectKey);
    },
    async isReadyObject(objectKey: string, storage: 's3' | 'local'): Promise<boolean> {
      const row = await prisma.mediaAsset.findUnique({
        where: { objectKey },
        select: { status: true, storageDriver: true },
      });
      return row?.status === 'ready' && row.storageDriver === storage;
    },
  };
}

export type UploadsRepository = ReturnType<typeof createUploadsRepository>;
