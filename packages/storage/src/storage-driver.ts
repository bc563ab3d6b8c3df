import type { Readable } from 'node:stream';

/**
 * The storage behind media objects, one interface for S3-compatible servers and a local protected
 * directory (seed 002). Object keys are validated by `assertObjectKey` before any driver touches them.
 */
export type StorageKind = 's3' | 'local';

export interface ObjectHead {
  size: number;
  etag: string | undefined;
  contentType: string | undefined;
}

/** Where and how a client sends the bytes of a single-request upload. */
export interface UploadTarget {
  method: 'PUT';
  url: string;
  /** Headers the client must send verbatim (they are part of the signature for S3). */
  headers: Record<string, string>;
  /** Unix ms after which the URL no longer works. */
  expiresAt: number;
}

export interface CompletedPart {
  partNumber: number;
  etag: string;
}

/** A part S3 holds for a multipart upload (ListParts). */
export interface StoredPart {
  partNumber: number;
  size: number;
  etag: string;
}

export interface PresignedUrl {
  url: string;
  expiresAt: number;
}

export interface StorageDriver {
  readonly kind: StorageKind;
  /** A presigned PUT (S3) or the service's own content route (local) for one object. */
  createUpload(input: {
    uploadId: string;
    objectKey: string;
    contentType: string;
    ttlSeconds: number;
  }): Promise<UploadTarget>;
  startMultipart(input: { objectKey: string; contentType: string }): Promise<{ multipartUploadId: string }>;
  presignPart(input: {
    objectKey: string;
    multipartUploadId: string;
    partNumber: number;
    ttlSeconds: number;
  }): Promise<PresignedUrl>;
  completeMultipart(input: {
    objectKey: string;
    multipartUploadId: string;
    parts: readonly CompletedPart[];
  }): Promise<void>;
  abortMultipart(input: { objectKey: string; multipartUploadId: string }): Promise<void>;
  /**
   * The parts storage holds for an unfinished multipart upload, by part number (resume after a dropped
   * connection). Throws `MultipartUploadNotFoundError` when the upload was completed or aborted.
   */
  listParts(input: { objectKey: string; multipartUploadId: string }): Promise<StoredPart[]>;
  /** Stores a small body that is already in memory (validated files: artwork, transcripts, chapters). */
  putObject(objectKey: string, body: Uint8Array, options: { contentType: string }): Promise<void>;
  /** Size and etag of a stored object, or undefined when it does not exist. */
  head(objectKey: string): Promise<ObjectHead | undefined>;
  /** Bytes `start..end` inclusive (clamped to the object); used to sniff type and duration. */
  readRange(objectKey: string, start: number, end: number): Promise<Uint8Array>;
  /** The whole body as a stream (hashing on finalize). */
  readStream(objectKey: string): Promise<Readable>;
  delete(objectKey: string): Promise<void>;
  /** A GET URL for the edge's origin fetch. Throws StorageNotSupportedError for the local driver. */
  presignGet(objectKey: string, ttlSeconds: number): Promise<PresignedUrl>;
  /**
   * Writes a body that arrives through the service itself (local driver only): to a temporary file,
   * renamed into place once complete, so a reader never sees a half-written object.
   */
  writeObject?(
    objectKey: string,
    body: Readable,
    options: { maxBytes: number; overwrite?: boolean },
  ): Promise<{ size: number }>;
  /** Resolves when the storage is usable (bucket reachable / directory writable). */
  checkReady(): Promise<void>;
}

/** An operation the driver cannot do (multipart on the local driver, presigned GET for local files). */
export class StorageNotSupportedError extends Error {
  constructor(kind: StorageKind, operation: string) {
    super(`${operation} is not supported by the ${kind} storage driver`);
    this.name = 'StorageNotSupportedError';
  }
}

/** A body that is larger than the caller allowed (local uploads). */
export class ObjectTooLargeError extends Error {
  constructor(maxBytes: number) {
    super(`object exceeds ${maxBytes} bytes`);
    this.name = 'ObjectTooLargeError';
  }
}

/** `writeObject` with `overwrite: false` found the key taken (by an earlier or a concurrent write). */
export class ObjectExistsError extends Error {
  constructor(objectKey: string) {
    super(`object ${objectKey} already exists`);
    this.name = 'ObjectExistsError';
  }
}

/** The multipart upload is gone (completed or aborted). */
export class MultipartUploadNotFoundError extends Error {
  constructor(objectKey: string) {
    super(`no multipart upload in progress for ${objectKey}`);
    this.name = 'MultipartUploadNotFoundError';
  }
}

/** The object does not exist. */
export class ObjectNotFoundError extends Error {
  constructor(objectKey: string) {
    super(`object ${objectKey} not found`);
    this.name = 'ObjectNotFoundError';
  }
}
