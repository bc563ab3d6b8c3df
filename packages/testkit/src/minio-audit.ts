import { readFileSync } from 'node:fs';

// MinIO posts one audit entry per S3 request to the stack's recorder, which appends it to
// MINIO_AUDIT_LOG. Tests count origin fetches per object key from it ("origin fetches do
// not grow with subscribers").

export interface MinioGetObject {
  time: Date;
  bucket: string;
  /** Object key as stored (not URL-encoded). */
  key: string;
  statusCode: number;
  /** The request's Range header, when there was one. */
  range: string | undefined;
  /** Bytes sent in the response body. */
  bytesSent: number;
  requestId: string;
  userAgent: string;
}

export interface ReadMinioAuditOptions {
  /** Only entries at or after this time. */
  since?: Date | number;
  bucket?: string;
  key?: string;
  /** Defaults to process.env.MINIO_AUDIT_LOG. */
  file?: string;
}

interface AuditEntry {
  time?: string;
  requestID?: string;
  userAgent?: string;
  api?: { name?: string; bucket?: string; object?: string; statusCode?: number; tx?: number };
  requestHeader?: Record<string, string>;
}

function parseLine(line: string): AuditEntry | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as AuditEntry) : undefined;
  } catch {
    return undefined; // A line cut by a concurrent append; the next read sees it whole.
  }
}

/** GetObject entries of MinIO's audit log, oldest first. */
export function readMinioAudit(options: ReadMinioAuditOptions = {}): MinioGetObject[] {
  const file = options.file ?? process.env.MINIO_AUDIT_LOG;
  if (!file) {
    throw new Error(
      '@gatehouse/testkit: MINIO_AUDIT_LOG is not set. Start the local stack with `npm run stack:up` ' +
        'and `source .stack/env`, or run the tests through `npm test`.',
    );
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []; // No S3 request yet.
    throw error;
  }
  const since = options.since === undefined ? undefined : new Date(options.since).getTime();
  const entries: MinioGetObject[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const entry = parseLine(line);
    const api = entry?.api;
    if (!entry || api?.name !== 'GetObject' || !api.object || !api.bucket || !entry.time) continue;
    const time = new Date(entry.time);
    if (since !== undefined && time.getTime() < since) continue;
    if (options.bucket !== undefined && api.bucket !== options.bucket) continue;
    if (options.key !== undefined && api.object !== options.key) continue;
    entries.push({
      time,
      bucket: api.bucket,
      key: api.object,
      statusCode: api.statusCode ?? 0,
      range: entry.requestHeader?.Range,
      bytesSent: api.tx ?? 0,
      requestId: entry.requestID ?? '',
      userAgent: entry.userAgent ?? '',
    });
  }
  return entries;
}

/** How many GetObject requests MinIO served per object key. */
export function countMinioGets(options: ReadMinioAuditOptions = {}): Map<string, number> {
  const counts = new Map<string, number>();
  for (const entry of readMinioAudit(options)) counts.set(entry.key, (counts.get(entry.key) ?? 0) + 1);
  return counts;
}
