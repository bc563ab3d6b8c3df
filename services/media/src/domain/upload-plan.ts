/**
 * Single PUT or multipart, by size. S3 allows at most 10,000 parts of at least 5 MiB (except the last),
 * so the part size grows for huge files.
 */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
export const MAX_PARTS = 10_000;

export type UploadPlan = { kind: 'single' } | { kind: 'multipart'; partSize: number; partCount: number };

export interface UploadLimits {
  maxUploadBytes: number;
  multipartThresholdBytes: number;
  partSizeBytes: number;
}

export function planUpload(
  byteSize: number,
  limits: UploadLimits,
  supportsMultipart: boolean,
): UploadPlan | 'too_large' {
  if (byteSize > limits.maxUploadBytes) return 'too_large';
  if (!supportsMultipart || byteSize < limits.multipartThresholdBytes) return { kind: 'single' };
  const mib = 1024 * 1024;
  let partSize = Math.max(MIN_PART_BYTES, limits.partSizeBytes);
  if (Math.ceil(byteSize / partSize) > MAX_PARTS) partSize = Math.ceil(byteSize / MAX_PARTS / mib) * mib;
  return { kind: 'multipart', partSize, partCount: Math.max(1, Math.ceil(byteSize / partSize)) };
}

export interface PartRange {
  partNumber: number;
  /** First byte (inclusive). */
  start: number;
  /** Last byte (inclusive). */
  end: number;
}

/** The byte ranges of a multipart upload's parts: every part `partSize` long except the last. */
export function partRanges(byteSize: number, partSize: number): PartRange[] {
  const count = Math.max(1, Math.ceil(byteSize / partSize));
  return Array.from({ length: count }, (_, index) => {
    const start = index * partSize;
    return { partNumber: index + 1, start, end: Math.min(byteSize, start + partSize) - 1 };
  });
}
