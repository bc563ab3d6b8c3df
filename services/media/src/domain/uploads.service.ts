import type { Readable } from 'node:stream';
import { errors } from '@gatehouse/errors';
import {
  type CompletedPart,
  InvalidFileNameError,
  MultipartUploadNotFoundError,
  mediaObjectKey,
  ObjectTooLargeError,
  type StorageDriver,
  safeFileName,
  type UploadTarget,
} from '@gatehouse/storage';
import type { EpisodesRepository } from './episodes.service.ts';
import { found } from './found.ts';
import type { OriginUrlKeeper } from './origin-url-keeper.ts';
import { finalizeUpload, storedParts, type UploadRecord } from './upload-finalizer.ts';
import { type PartRange, partRanges, planUpload, type UploadLimits } from './upload-plan.ts';
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
    /** The client's declared hash, or null: finalize computes it either way. */
    sha256: string | null;
    multipartUploadId: string | null;
    partSize: number | null;
  }): Promise<UploadRecord>;
  find(tenantId: string, uploadId: string): Promise<UploadRecord | undefined>;
  /** Pending or uploading → failed; a ready or failed upload stays as it is. */
  markFailed(uploadId: string): Promise<void>;
  /** Marks the asset ready (with the computed sha256) and makes it the episode's current media, in the episode's change. */
  markReadyAndAttach(
    upload: UploadRecord,
    probe: { contentType: string; durationSeconds: number | null; sha256: string },
  ): Promise<unknown>;
  /** Ready S3 objects that became ready since `since` (the origin sweep keeps their URLs warm). */
  recentlyReadyS3Keys(since: Date, limit?: number): Promise<string[]>;
  isReadyObject(objectKey: string, storage: 's3' | 'local'): Promise<boolean>;
}

export interface UploadRequest {
  fileName: string;
  byteSize: number;
  /** Hex sha256 of the whole file; optional (browsers do not compute it), checked on finalize when given. */
  sha256?: string | undefined;
  contentType: string;
}

/** What storage holds of a multipart upload, and fresh URLs for the parts still to send. */
export interface UploadProgress {
  partSize: number;
  parts: { partNumber: number; size: number; etag: string }[];
  missing: { partNumber: number; url: string; start: number; end: number }[];
  /** Unix ms after which the `missing` URLs no longer work. */
  expiresAt: number;
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
  /** Resume a multipart upload: the parts stored so far (ListParts) and presigned URLs for the rest. */
  progress(tenantId: string, uploadId: string): Promise<UploadProgress>;
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
    const { byteSize, contentType } = request;
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
      sha256: request.sha256 ?? null,
      multipartUploadId: multipart?.multipartUploadId ?? null,
      partSize: plan.kind === 'multipart' ? plan.partSize : null,
    });
    if (plan.kind === 'single') {
      const put = await storage.createUpload({ uploadId, objectKey, contentType, ttlSeconds: ttl });
      return { upload, kind: 'single', put };
    }
    const parts = await presignParts(upload, partRanges(byteSize, plan.partSize));
    return {
      upload,
      kind: 'multipart',
      multipart: { partSize: plan.partSize, expiresAt: Date.now() + ttl * 1000, parts },
    };
  }

  /** Fresh presigned PUT URLs for these parts of a multipart upload. */
  function presignParts(upload: UploadRecord, ranges: readonly PartRange[]) {
    const multipartUploadId = upload.multipartUploadId;
    if (!multipartUploadId) throw new Error('not a multipart upload');
    return Promise.all(
      ranges.map(async (range) => {
        const signed = await storage.presignPart({
          objectKey: upload.objectKey,
          multipartUploadId,
          partNumber: range.partNumber,
          ttlSeconds: limits.uploadUrlTtlSeconds,
        });
        return { ...range, url: signed.url };
      }),
    );
  }

  async function progress(tenantId: string, uploadId: string): Promise<UploadProgress> {
    const upload = await get(tenantId, uploadId);
    if (upload.status === 'ready') throw errors.conflict('upload already completed');
    if (upload.status === 'failed') throw errors.conflict('upload failed; start a new upload');
    if (!upload.multipartUploadId || !upload.partSize)
      throw errors.conflict('not a multipart upload: send the whole file again with PUT');
    const { expected, stored } = await storedParts(storage, upload, upload.partSize).catch(
      (error: unknown) => {
        throw error instanceof MultipartUploadNotFoundError
          ? errors.conflict('multipart upload no longer exists; start a new upload')
          : error;
      },
    );
    const missing = expected.filter((range) => !stored.has(range.partNumber));
    return {
      partSize: upload.partSize,
      parts: [...stored.values()],
      missing: await presignParts(upload, missing),
      expiresAt: Date.now() + limits.uploadUrlTtlSeconds * 1000,
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

  const service: UploadsService = { start, get, progress, complete, abort };
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
