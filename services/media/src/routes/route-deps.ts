import type { PrismaClient } from '@gatehouse/db';
import type { StorageDriver } from '@gatehouse/storage';
import type { EpisodesRepository } from '../adapters/episodes.repository.ts';
import type { UploadsRepository } from '../adapters/uploads.repository.ts';
import type { OriginUrlKeeper } from '../domain/origin-url-keeper.ts';
import type { UploadLimits } from '../domain/upload-plan.ts';

export interface RouteDeps {
  prisma: PrismaClient;
  episodes: EpisodesRepository;
  uploads: UploadsRepository;
  storage: StorageDriver;
  originKeeper: OriginUrlKeeper;
  limits: UploadLimits & { uploadUrlTtlSeconds: number };
}
