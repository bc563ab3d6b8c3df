import type { Readable } from 'node:stream';
import { errors } from '@gatehouse/errors';
import {
  type CompletedPart,
  InvalidFileNameError,
  mediaObjectKey,
  ObjectTooLargeError,
  type StorageDriver,
  safeFileName,
  type UploadTarget,
} from '@gatehouse/storage';
import type { EpisodesRepository } from './episodes.service.ts';
import { found } from './found.ts';
import type { OriginUrlKeeper } from './origin-url-keeper.ts';
import { finalizeUpload, type UploadRecord } from './upload-finalizer.ts';
import { planUpload, type UploadLimits } from './upload-plan.ts';
import { uuidv7 } from './uuid-v7.ts';

/** Media assets as uploads, scoped by tenant. Attaching a ready asset is an episode change (event + policy). */
export interface UploadsRepository {
  create(upload: {
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
  }): Promise<UploadRecord>;
  find(tenantId: string, uploadId: string): Promise<UploadRecord | undefined>;
  /** Pending or uploading → failed; a ready or failed upload stays as it is. */
  markFailed(uploadId: string): Promise<void>;
  /** Marks the asset ready and makes it the episode's current media, in the episode's change. */
  markReadyAndAttach(
    upload: UploadRecord,
    probe: { contentType: string; durationSeconds: number | null },
  ): Promise<unknown>;
  /** Ready S3 objects that became ready since `since` (the origin sweep keeps their URLs warm). */
  recentlyReadyS3Keys(since: Date, limit?: number): Promise<string[]>;
  isReadyObject(objectKey: string, storage: 's3' | 'local'): Promise<boolean>;
}

export interface UploadRequest {
  fileName: string;
  byteSize: number;
  /** Hex sha256 of the whole file. */
  sha256: string;
  contentType: string;
}

/** How the client sends the bytes: one PUT, or presigned parts (expiry in Unix ms). */
export type UploadInstructions =
  | { upload: UploadRecord; kind: 'single'; put: UploadTarget }
  | {
      upload: UploadRecord;
      kind: 'multipart';
      multipart: {
        partSize: number;
        expiresAt: number;
        parts: { partNumber: number; url: string; start: number; end: number }[];
      };
    };

/** Where a failed origin URL refresh after finalize is reported (the request's logger). */
export interface WarningLog {
  warn(details: object, message: string): void;
}

export interface UploadsService {
  start(tenantId: string, episodeId: string, request: UploadRequest): Promise<UploadInstructions>;
  get(tenantId: string, uploadId: string): Promise<UploadRecord>;
  /** Checks the stored object and attaches it to its episode (upload-finalizer.ts). */
  complete(
    tenantId: string,
    uploadId: string,
    parts: readonly CompletedPart[] | undefined,
    log: WarningLog,
  ): Promise<UploadRecord>;
  /** Aborts an upload that is not complete: the object goes, the upload is failed. */
  abort(tenantId: string, uploadId: string): Promise<void>;
  /**
   * Present when the bytes come through the service (local storage): streamed into place,
   * refused past the declared size.
   */
  receiveContent?(
    tenantId: string,
    uploadId: string,
    body: Readable,
    declaredBytes: number,
  ): Promise<UploadRecord>;
}

export interface UploadsServiceDeps {
  storage: StorageDriver;
  uploads: UploadsRepository;
  episodes: EpisodesRepository;
  originKeeper: OriginUrlKeeper;
  limits: UploadLimits & { uploadUrlTtlSeconds: number };
}

export function createUploadsService(deps: UploadsServiceDeps): UploadsService {
  const { storage, uploads, limits } = deps;

  const get = async (tenantId: string, uploadId: string) =>
    found(await uploads.find(tenantId, uploadId), 'upload');

  async function start(
    tenantId: string,
    episodeId: string,
    request: UploadRequest,
  ): Promise<UploadInstructions> {
    const episode = await deps.episodes.get(tenantId, episodeId);
    if (episode.status === 'removed') throw errors.conflict('episode was removed');
    const { byteSize, sha256, contentType } = request;
    let fileName: string;
    try {
      fileName = safeFileName(request.fileName);
    } catch (error) {
      if (error instanceof InvalidFileNameError) throw errors.validation(error.message);
      throw error;
    }
    const plan = planUpload(byteSize, limits, storage.kind === 's3');
    if (plan === 'too_large')
      throw errors.payloadTooLarge(`uploads are limited to ${limits.maxUploadBytes} bytes`);

    const uploadId = uuidv7();
    const objectKey = mediaObjectKey({ tenantId, episodeId: episode.id, uploadId, fileName });
    const ttl = limits.uploadUrlTtlSeconds;
    const multipart =
      plan.kind === 'multipart' ? await storage.startMultipart({ objectKey, contentType }) : undefined;
    const upload = await uploads.create({
      id: uploadId,
      tenantId,
      episodeId: episode.id,
      storage: storage.kind,
      objectKey,
      originalFileName: request.fileName,
      contentType,
      byteSize,
      sha256,
      multipartUploadId: multipart?.multipartUploadId ?? null,
    });
    if (plan.kind === 'single') {
      const put = await storage.createUpload({ uploadId, objectKey, contentType, ttlSeconds: ttl });
      return { upload, kind: 'single', put };
    }
    const parts = await Promise.all(
      Array.from({ length: plan.partCount }, async (_, index) => {
        const partNumber = index + 1;
        const signed = await storage.presignPart({
          objectKey,
          multipartUploadId: multipart!.multipartUploadId,
          partNumber,
          ttlSeconds: ttl,
        });
        const start = index * plan.partSize;
        return { partNumber, url: signed.url, start, end: Math.min(byteSize, start + plan.partSize) - 1 };
      }),
    );
    return {
      upload,
      kind: 'multipart',
      multipart: { partSize: plan.partSize, expiresAt: Date.now() + ttl * 1000, parts },
    };
  }

  async function complete(
    tenantId: string,
    uploadId: string,
    parts: readonly CompletedPart[] | undefined,
    log: WarningLog,
  ): Promise<UploadRecord> {
    const ports = {
      storage,
      find: uploads.find,
      markFailed: uploads.markFailed,
      markReadyAndAttach: uploads.markReadyAndAttach,
      afterReady: (upload: UploadRecord) => {
        if (upload.storage !== 's3') return;
        deps.originKeeper.refresh(upload.objectKey).catch((error: unknown) => {
          log.warn({ err: error, uploadId: upload.id }, 'could not presign the origin URL after finalize');
        });
      },
    };
    return (await finalizeUpload(ports, tenantId, uploadId, parts)).upload;
  }

  async function abort(tenantId: string, uploadId: string): Promise<void> {
    const upload = await get(tenantId, uploadId);
    if (upload.status === 'ready') throw errors.conflict('a completed upload cannot be aborted');
    if (upload.multipartUploadId) {
      await storage
        .abortMultipart({ objectKey: upload.objectKey, multipartUploadId: upload.multipartUploadId })
        .catch(() => undefined);
    }
    await storage.delete(upload.objectKey);
    await uploads.markFailed(upload.id);
  }

  const service: UploadsService = { start, get, complete, abort };
  // Local storage only: the bytes come through the service (streamed, size-limited, written atomically).
  if (storage.writeObject) {
    const write = storage.writeObject.bind(storage);
    service.receiveContent = async (tenantId, uploadId, body, declaredBytes) => {
      const upload = await get(tenantId, uploadId);
      if (upload.status !== 'pending') throw errors.conflict(`upload is ${upload.status}`);
      const tooLarge = () =>
        errors.payloadTooLarge(`body is larger than the declared ${upload.byteSize} bytes`);
      if (Number.isFinite(declaredBytes) && declaredBytes > upload.byteSize) throw tooLarge();
      try {
        await write(upload.objectKey, body, { maxBytes: upload.byteSize });
      } catch (error) {
        throw error instanceof ObjectTooLargeError ? tooLarge() : error;
      }
      return upload;
    };
  }
  return service;
}
