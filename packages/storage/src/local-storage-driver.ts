import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, constants, link, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertObjectKey } from './object-key.ts';
import {
  ObjectExistsError,
  type ObjectHead,
  ObjectNotFoundError,
  ObjectTooLargeError,
  type PresignedUrl,
  type StorageDriver,
  StorageNotSupportedError,
  type StoredPart,
  type UploadTarget,
} from './storage-driver.ts';

export interface LocalStorageSettings {
  /** The protected directory nginx serves from an `internal` location (seed 002). */
  root: string;
  /** URL of the service's own content route for an upload (`…/api/v1/uploads/{id}/content`). */
  uploadUrlFor: (uploadId: string) => string;
  /** Mode of written files (default 0640); 0644 where the reader (nginx workers) is another user. */
  fileMode?: number;
}

/** Temporary files live inside the root (same filesystem, so rename is atomic); keys never start with '.'. */
const PARTIAL_DIR = '.partial';

/**
 * A local protected directory. Uploads stream through the media service into a temporary file which is
 * fsynced and renamed into place only when complete, so nginx never serves a half-written object.
 * The edge reaches these files with `X-Accel-Redirect: /_gh/origin/local/{objectKey}`; there is no
 * presigned GET.
 */
export class LocalStorageDriver implements StorageDriver {
  readonly kind = 'local' as const;
  readonly root: string;
  readonly #uploadUrlFor: (uploadId: string) => string;
  readonly #fileMode: number;

  constructor(settings: LocalStorageSettings) {
    this.root = resolve(settings.root);
    this.#uploadUrlFor = settings.uploadUrlFor;
    this.#fileMode = settings.fileMode ?? 0o640;
  }

  /** Absolute path of a key; the key is validated and the result checked to stay under the root. */
  pathOf(objectKey: string): string {
    assertObjectKey(objectKey);
    const path = resolve(this.root, objectKey);
    if (!path.startsWith(this.root + sep)) throw new Error('object key escapes the storage root');
    return path;
  }

  async createUpload(input: {
    uploadId: string;
    objectKey: string;
    contentType: string;
    ttlSeconds: number;
  }): Promise<UploadTarget> {
    assertObjectKey(input.objectKey);
    return {
      method: 'PUT',
      url: this.#uploadUrlFor(input.uploadId),
      headers: { 'content-type': input.contentType },
      expiresAt: Date.now() + input.ttlSeconds * 1000,
    };
  }

  async startMultipart(): Promise<{ multipartUploadId: string }> {
    throw new StorageNotSupportedError('local', 'multipart upload');
  }
  async presignPart(): Promise<PresignedUrl> {
    throw new StorageNotSupportedError('local', 'multipart upload');
  }
  async completeMultipart(): Promise<void> {
    throw new StorageNotSupportedError('local', 'multipart upload');
  }
  async abortMultipart(): Promise<void> {
    throw new StorageNotSupportedError('local', 'multipart upload');
  }

  async listParts(): Promise<StoredPart[]> {
    throw new StorageNotSupportedError('local', 'multipart upload');
  }

  async putObject(objectKey: string, body: Uint8Array): Promise<void> {
    await this.writeObject(objectKey, Readable.from([body]), { maxBytes: body.byteLength });
  }

  async writeObject(
    objectKey: string,
    body: Readable,
    options: { maxBytes: number; overwrite?: boolean },
  ): Promise<{ size: number }> {
    const target = this.pathOf(objectKey);
    const partialDir = join(this.root, PARTIAL_DIR);
    await mkdir(partialDir, { recursive: true });
    const temporary = join(partialDir, `${randomUUID()}.part`);
    let size = 0;
    const limiter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        if (size > options.maxBytes) callback(new ObjectTooLargeError(options.maxBytes));
        else callback(null, chunk);
      },
    });
    try {
      await pipeline(body, limiter, createWriteStream(temporary, { flags: 'wx', mode: this.#fileMode }));
      const handle = await open(temporary, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await mkdir(resolve(target, '..'), { recursive: true });
      if (options.overwrite === false) {
        // link(2) fails with EEXIST instead of replacing: of two concurrent writers exactly one wins,
        // and the file appears complete or not at all, as with rename.
        await link(temporary, target).catch((error: NodeJS.ErrnoException) => {
          throw error.code === 'EEXIST' ? new ObjectExistsError(objectKey) : error;
        });
        await unlink(temporary);
      } else {
        await rename(temporary, target);
      }
      return { size };
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
  }

  async head(objectKey: string): Promise<ObjectHead | undefined> {
    try {
      const info = await stat(this.pathOf(objectKey));
      if (!info.isFile()) return undefined;
      return {
        size: info.size,
        etag: `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`,
        contentType: undefined,
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async readRange(objectKey: string, start: number, end: number): Promise<Uint8Array> {
    const path = this.pathOf(objectKey);
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ObjectNotFoundError(objectKey);
      throw error;
    }
    try {
      const { size } = await handle.stat();
      const last = Math.min(end, size - 1);
      if (last < start) return new Uint8Array(0);
      const buffer = Buffer.alloc(last - start + 1);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
      return new Uint8Array(buffer.buffer, buffer.byteOffset, bytesRead);
    } finally {
      await handle.close();
    }
  }

  async readStream(objectKey: string): Promise<Readable> {
    const path = this.pathOf(objectKey);
    if (!(await this.head(objectKey))) throw new ObjectNotFoundError(objectKey);
    return createReadStream(path);
  }

  async delete(objectKey: string): Promise<void> {
    await unlink(this.pathOf(objectKey)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  async presignGet(): Promise<PresignedUrl> {
    throw new StorageNotSupportedError('local', 'presigned GET');
  }

  async checkReady(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    await access(this.root, constants.W_OK);
  }
}
