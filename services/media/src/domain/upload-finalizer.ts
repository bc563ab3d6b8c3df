import { createHash } from 'node:crypto';
import { errors } from '@gatehouse/errors';
import type { CompletedPart, StorageDriver } from '@gatehouse/storage';
import type { ByteSource } from './media-probe/byte-source.ts';
import { probeMedia } from './media-probe/media-probe.ts';
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
  /** Hex sha256 the client declared. */
  sha256: string;
  status: 'pending' | 'uploading' | 'ready' | 'failed';
  multipartUploadId: string | null;
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

async function sha256Of(storage: StorageDriver, objectKey: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of await storage.readStream(objectKey)) hash.update(chunk as Uint8Array);
  return hash.digest('hex');
}

/**
 * Completes an upload: finishes the multipart upload if there is one, then checks the stored object —
 * size (HEAD), sha256 (the whole object streamed through a hash; for multipart this re-hashes the
 * assembled object rather than trusting per-part checksums), type and duration from its bytes — and
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
    if (!parts || parts.length === 0)
      throw errors.validation('parts are required to complete a multipart upload');
    const numbers = parts.map((part) => part.partNumber);
    if (new Set(numbers).size !== numbers.length) throw errors.validation('duplicate part numbers');
    try {
      await storage.completeMultipart({
        objectKey: upload.objectKey,
        multipartUploadId: upload.multipartUploadId,
        parts,
      });
    } catch (error) {
      const name = (error as { name?: string }).name ?? '';
      if (['InvalidPart', 'InvalidPartOrder', 'EntityTooSmall', 'MalformedXML'].includes(name)) {
        throw errors.unprocessable('the parts do not match what was uploaded', { reason: 'invalid_parts' });
      }
      if (name === 'NoSuchUpload') {
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
  const digest = await sha256Of(storage, upload.objectKey);
  if (digest !== upload.sha256) {
    throw await reject(
      errors.unprocessable('sha256 of the uploaded object differs from the declared one', {
        reason: 'checksum_mismatch',
      }),
    );
  }
  const probe = await probeMedia(storageSource(storage, upload.objectKey, head.size));
  if (!probe) {
    throw await reject(
      errors.unsupportedMediaType('not a supported audio/video file (MP3, M4A/MP4, Ogg, WAV, FLAC)'),
    );
  }
  const durationSeconds = probe.durationMs === null ? null : Math.round(probe.durationMs / 1000);
  await ports.markReadyAndAttach(upload, { contentType: probe.contentType, durationSeconds });
  ports.afterReady?.(upload);
  return {
    upload: { ...upload, status: 'ready', contentType: probe.contentType, durationSeconds },
    contentType: probe.contentType,
    durationSeconds,
  };
}
