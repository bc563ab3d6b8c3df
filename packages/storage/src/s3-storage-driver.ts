import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListPartsCommand,
  type ListPartsCommandOutput,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { assertObjectKey } from './object-key.ts';
import {
  type CompletedPart,
  MultipartUploadNotFoundError,
  type ObjectHead,
  ObjectNotFoundError,
  type PresignedUrl,
  type StorageDriver,
  type StoredPart,
  type UploadTarget,
} from './storage-driver.ts';

export interface S3StorageSettings {
  /** Endpoint URL (MinIO, R2, …); unset means AWS S3 in `region`. */
  endpoint?: string | undefined;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
}

/** SigV4 presigned URLs live at most 7 days. */
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

/**
 * S3-compatible storage. Presigned URLs are signed for the endpoint's host:port exactly as configured:
 * nginx proxies to that URL and sends `Host: $proxy_host`, which is the same host:port, so the signature
 * holds (DESIGN.md: presign for the exact Host nginx will send).
 */
export class S3StorageDriver implements StorageDriver {
  readonly kind = 's3' as const;
  readonly bucket: string;
  readonly client: S3Client;

  constructor(settings: S3StorageSettings) {
    this.bucket = settings.bucket;
    this.client = new S3Client({
      region: settings.region,
      ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
      forcePathStyle: settings.forcePathStyle,
      credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
      // The SDK's default flexible checksums add x-amz-checksum-* / x-amz-sdk-checksum-algorithm to
      // presigned PUTs, which a browser or curl upload then fails; we verify sha256 ourselves on finalize.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async createUpload(input: {
    uploadId: string;
    objectKey: string;
    contentType: string;
    ttlSeconds: number;
  }): Promise<UploadTarget> {
    assertObjectKey(input.objectKey);
    const ttl = clampTtl(input.ttlSeconds);
    const url = await getSignedUrl(
      this.client,
      new PutObjectCommand({ Bucket: this.bucket, Key: input.objectKey, ContentType: input.contentType }),
      { expiresIn: ttl, signableHeaders: new Set(['content-type']) },
    );
    return {
      method: 'PUT',
      url,
      headers: { 'content-type': input.contentType },
      expiresAt: Date.now() + ttl * 1000,
    };
  }

  async startMultipart(input: { objectKey: string; contentType: string }) {
    assertObjectKey(input.objectKey);
    const out = await this.client.send(
      new CreateMultipartUploadCommand({
        Bucket: this.bucket,
        Key: input.objectKey,
        ContentType: input.contentType,
      }),
    );
    if (!out.UploadId) throw new Error('S3 returned no UploadId');
    return { multipartUploadId: out.UploadId };
  }

  async presignPart(input: {
    objectKey: string;
    multipartUploadId: string;
    partNumber: number;
    ttlSeconds: number;
  }): Promise<PresignedUrl> {
    assertObjectKey(input.objectKey);
    const ttl = clampTtl(input.ttlSeconds);
    const url = await getSignedUrl(
      this.client,
      new UploadPartCommand({
        Bucket: this.bucket,
        Key: input.objectKey,
        UploadId: input.multipartUploadId,
        PartNumber: input.partNumber,
      }),
      { expiresIn: ttl },
    );
    return { url, expiresAt: Date.now() + ttl * 1000 };
  }

  async completeMultipart(input: {
    objectKey: string;
    multipartUploadId: string;
    parts: readonly CompletedPart[];
  }) {
    assertObjectKey(input.objectKey);
    await this.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.bucket,
        Key: input.objectKey,
        UploadId: input.multipartUploadId,
        MultipartUpload: {
          Parts: [...input.parts]
            .sort((a, b) => a.partNumber - b.partNumber)
            .map((part) => ({ PartNumber: part.partNumber, ETag: part.etag })),
        },
      }),
    );
  }

  async abortMultipart(input: { objectKey: string; multipartUploadId: string }) {
    assertObjectKey(input.objectKey);
    await this.client.send(
      new AbortMultipartUploadCommand({
        Bucket: this.bucket,
        Key: input.objectKey,
        UploadId: input.multipartUploadId,
      }),
    );
  }

  async listParts(input: { objectKey: string; multipartUploadId: string }): Promise<StoredPart[]> {
    assertObjectKey(input.objectKey);
    const parts: StoredPart[] = [];
    let marker: string | undefined;
    // ListParts answers at most 1,000 parts a page; an upload has up to 10,000.
    for (;;) {
      let out: ListPartsCommandOutput;
      try {
        out = await this.client.send(
          new ListPartsCommand({
            Bucket: this.bucket,
            Key: input.objectKey,
            UploadId: input.multipartUploadId,
            ...(marker ? { PartNumberMarker: marker } : {}),
          }),
        );
      } catch (error) {
        if (error instanceof S3ServiceException && error.name === 'NoSuchUpload')
          throw new MultipartUploadNotFoundError(input.objectKey);
        throw error;
      }
      for (const part of out.Parts ?? []) {
        if (part.PartNumber === undefined || part.ETag === undefined) continue;
        parts.push({ partNumber: part.PartNumber, size: part.Size ?? 0, etag: part.ETag });
      }
      if (!out.IsTruncated || !out.NextPartNumberMarker || out.NextPartNumberMarker === marker) break;
      marker = out.NextPartNumberMarker;
    }
    return parts.sort((a, b) => a.partNumber - b.partNumber);
  }

  async putObject(objectKey: string, body: Uint8Array, options: { contentType: string }): Promise<void> {
    assertObjectKey(objectKey);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: objectKey,
        Body: body,
        ContentType: options.contentType,
        ContentLength: body.byteLength,
      }),
    );
  }

  async head(objectKey: string): Promise<ObjectHead | undefined> {
    assertObjectKey(objectKey);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: objectKey }));
      return { size: out.ContentLength ?? 0, etag: out.ETag, contentType: out.ContentType };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async readRange(objectKey: string, start: number, end: number): Promise<Uint8Array> {
    assertObjectKey(objectKey);
    if (end < start) return new Uint8Array(0);
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: objectKey, Range: `bytes=${start}-${end}` }),
      );
      return out.Body ? await out.Body.transformToByteArray() : new Uint8Array(0);
    } catch (error) {
      // A range starting at or past the end of the object: nothing to read there.
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 416)
        return new Uint8Array(0);
      if (isNotFound(error)) throw new ObjectNotFoundError(objectKey);
      throw error;
    }
  }

  async readStream(objectKey: string): Promise<Readable> {
    assertObjectKey(objectKey);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: objectKey }));
      if (!out.Body) return Readable.from([]);
      return out.Body as Readable;
    } catch (error) {
      if (isNotFound(error)) throw new ObjectNotFoundError(objectKey);
      throw error;
    }
  }

  async delete(objectKey: string): Promise<void> {
    assertObjectKey(objectKey);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: objectKey }));
  }

  async presignGet(objectKey: string, ttlSeconds: number): Promise<PresignedUrl> {
    assertObjectKey(objectKey);
    const ttl = clampTtl(ttlSeconds);
    const url = await getSignedUrl(
      this.client,
      new GetObjectCommand({ Bucket: this.bucket, Key: objectKey }),
      {
        expiresIn: ttl,
      },
    );
    return { url, expiresAt: Date.now() + ttl * 1000 };
  }

  async checkReady(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  close(): void {
    this.client.destroy();
  }
}

function clampTtl(seconds: number): number {
  return Math.max(1, Math.min(MAX_PRESIGN_SECONDS, Math.floor(seconds)));
}

function isNotFound(error: unknown): boolean {
  if (!(error instanceof S3ServiceException)) return false;
  return error.$metadata.httpStatusCode === 404 || error.name === 'NotFound' || error.name === 'NoSuchKey';
}
