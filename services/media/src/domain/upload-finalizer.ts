import { createHash } from 'node:crypto';
import { errors } from '@gatehouse/errors';
import {
  type CompletedPart,
  MultipartUploadNotFoundError,
  type StorageDriver,
  type StoredPart,
} from '@gatehouse/storage';
import type { ByteSource } from './media-probe/byte-source.ts';
import { probeMedia } from './media-probe/media-probe.ts';
import { type PartRange, partRanges } from './upload-plan.ts';
import type { UploadsRepository } from './uploads.service.ts';

export interface UploadRecord {
  id: string;
  tenantId: string;
  episodeId: string;
  storage: 's3' | 'local';
  objectKey: string;
  contentType: string;
  /** Size the client declared when it started the upload. */
  byteSize: number;
  durationSeconds: number | null;
  /** Hex sha256: the client's declared one until ready, then the one computed from the stored bytes. */
  sha256: string | null;
  status: 'pending' | 'uploading' | 'ready' | 'failed';
  multipartUploadId: string | null;
  /** Part size of a multipart upload. */
  partSize: number | null;
  originalFileName: string | null;
  createdAt: Date;
}

export interface FinalizePorts extends Pick<UploadsRepository, 'find' | 'markFailed' | 'markReadyAndAttach'> {
  storage: StorageDriver;
  /** Called after the asset is ready (keeps the origin URL warm); failures are the caller's to log. */
  afterReady?(upload: UploadRecord): void;
}

export interface FinalizeResult {
  upload: UploadRecord;
  contentType: string;
  durationSeconds: number | null;
}

function storageSource(storage: StorageDriver, objectKey: string, size: number): ByteSource {
  return {
    size,
    read: (start, length) => storage.readRange(objectKey, start, Math.min(size, start + length) - 1),
  };
}

/**
 * The parts storage holds that are complete for their range (a part of another size was cut short or
 * belongs to other boundaries: it is sent again), keyed by part number, and the expected ranges.
 * Throws `MultipartUploadNotFoundError` once the upload was completed or aborted.
 */
export async function storedParts(
  storage: StorageDriver,
  upload: Pick<UploadRecord, 'objectKey' | 'multipartUploadId' | 'byteSize'>,
  partSize: number,
): Promise<{ expected: PartRange[]; stored: Map<number, StoredPart> }> {
  const expected = partRanges(upload.byteSize, partSize);
  const listed = await storage.listParts({
    objectKey: upload.objectKey,
    multipartUploadId: upload.multipartUploadId ?? '',
  });
  const sizes = new Map(expected.map((range) => [range.partNumber, range.end - range.start + 1]));
  const stored = new Map<number, StoredPart>();
  for (const part of listed) if (sizes.get(part.partNumber) === part.size) stored.set(part.partNumber, part);
  return { expected, stored };
}

/** Without a parts list the stored parts are the list: every expected part must be there. */
async function partsFromStorage(storage: StorageDriver, upload: UploadRecord): Promise<CompletedPart[]> {
  if (!upload.partSize) throw errors.validation('parts are required to complete this multipart upload');
  const { expected, stored } = await storedParts(storage, upload, upload.partSize);
  const missing = expected.filter((range) => !stored.has(range.partNumber)).map((range) => range.partNumber);
  if (missing.length > 0) {
    throw errors.unprocessable(`${missing.length} of ${expected.length} parts are not uploaded yet`, {
      reason: 'parts_missing',
      missing: missing.slice(0, 100),
    });
  }
  return [...stored.values()].map(({ partNumber, etag }) => ({ partNumber, etag }));
}

async function sha256Of(storage: StorageDriver, objectKey: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of await storage.readStream(objectKey)) hash.update(chunk as Uint8Array);
  return hash.digest('hex');
}

/**
 * Completes an upload: finishes the multipart upload if there is one (with the client's parts list, or
 * else the parts storage lists), then checks the stored object — size (HEAD), type and duration from
 * a few ranges of its bytes, sha256 (the whole object streamed once through a hash; for multipart this
 * hashes the assembled object rather than trusting per-part checksums; stored, and compared with a
 * declared one) — and
 * only then marks the asset ready and makes it the episode's media. Any mismatch fails the asset and
 * deletes the object: the client starts a new upload (a new object key).
 */
export async function finalizeUpload(
  ports: FinalizePorts,
  tenantId: string,
  uploadId: string,
  parts: readonly CompletedPart[] | undefined,
): Promise<FinalizeResult> {
  const upload = await ports.find(tenantId, uploadId);
  if (!upload) throw errors.notFound('upload');
  if (upload.status === 'ready') throw errors.conflict('upload already completed');
  if (upload.status === 'failed') throw errors.conflict('upload failed; start a new upload');
  const { storage } = ports;

  if (upload.multipartUploadId) {
    try {
      let list: readonly CompletedPart[];
      if (parts && parts.length > 0) {
        const numbers = parts.map((part) => part.partNumber);
        if (new Set(numbers).size !== numbers.length) throw errors.validation('duplicate part numbers');
        list = parts;
      } else {
        list = await partsFromStorage(storage, upload);
      }
      await storage.completeMultipart({
        objectKey: upload.objectKey,
        multipartUploadId: upload.multipartUploadId,
        parts: list,
      });
    } catch (error) {
      const name = (error as { name?: string }).name ?? '';
      if (['InvalidPart', 'InvalidPartOrder', 'EntityTooSmall', 'MalformedXML'].includes(name)) {
        throw errors.unprocessable('the parts do not match what was uploaded', { reason: 'invalid_parts' });
      }
      if (name === 'NoSuchUpload' || error instanceof MultipartUploadNotFoundError) {
        // Completed earlier by a request whose answer was lost, or aborted: look at the object itself.
        if (!(await storage.head(upload.objectKey)))
          throw errors.conflict('multipart upload no longer exists');
      } else {
        throw error;
      }
    }
  } else if (parts && parts.length > 0) {
    throw errors.validation('parts are only accepted for multipart uploads');
  }

  const head = await storage.head(upload.objectKey);
  if (!head) throw errors.conflict('no object has been uploaded yet');

  const reject = async (error: Error) => {
    await ports.markFailed(upload.id);
    await storage.delete(upload.objectKey).catch(() => undefined);
    return error;
  };
  if (head.size !== upload.byteSize) {
    throw await reject(
      errors.unprocessable('uploaded size differs from the declared size', {
        reason: 'size_mismatch',
        declared: upload.byteSize,
        actual: head.size,
      }),
    );
  }
  // Type and duration from a few ranges first: a file that is not media is refused before the one
  // full read below, which a 2 GiB upload should not pay for nothing.
  const probe = await probeMedia(storageSource(storage, upload.objectKey, head.size));
  if (!probe) {
    throw await reject(
      errors.unsupportedMediaType('not a supported audio/video file (MP3, M4A/MP4, Ogg, WAV, FLAC)'),
    );
  }
  // The one full read of the object on the request path: the stored hash is always computed from the
  // bytes; a hash the client declared must match it.
  const digest = await sha256Of(storage, upload.objectKey);
  if (upload.sha256 !== null && digest !== upload.sha256) {
    throw await reject(
      errors.unprocessable('sha256 of the uploaded object differs from the declared one', {
        reason: 'checksum_mismatch',
      }),
    );
  }
  const durationSeconds = probe.durationMs === null ? null : Math.round(probe.durationMs / 1000);
  await ports.markReadyAndAttach(upload, { contentType: probe.contentType, durationSeconds, sha256: digest });
  ports.afterReady?.(upload);
  return {
    upload: { ...upload, status: 'ready', contentType: probe.contentType, durationSeconds, sha256: digest },
    contentType: probe.contentType,
    durationSeconds,
  };
}
