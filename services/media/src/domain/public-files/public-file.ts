/** A small public file of a show or episode: artwork, a transcript, chapters. Immutable once stored. */
export type PublicFileKind = 'artwork' | 'transcript' | 'chapters';

export interface PublicFile {
  id: string;
  tenantId: string;
  showId: string;
  kind: PublicFileKind;
  storage: 's3' | 'local';
  objectKey: string;
  /** Safe file name (last segment of the key and of the public URL). */
  fileName: string;
  contentType: string;
  byteSize: number;
  /** Hex sha256 of the body (also its ETag). */
  sha256: string;
  width: number | null;
  height: number | null;
  createdAt: Date;
}

/** What API bodies show of a stored file. */
export type PublicFileRef = Pick<
  PublicFile,
  'id' | 'fileName' | 'contentType' | 'byteSize' | 'sha256' | 'width' | 'height'
>;

/**
 * Where a public file is served: media's own unauthenticated route under `/api/`, which every edge
 * target already routes to media (feeds build the same path; services/feeds feed-renderer.ts).
 */
export const publicFilePath = (file: Pick<PublicFile, 'id' | 'fileName'>) =>
  `/api/v1/public/files/${file.id}/${encodeURIComponent(file.fileName)}`;
