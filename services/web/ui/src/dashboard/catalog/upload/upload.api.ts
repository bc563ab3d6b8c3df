import { api } from '../../../shared/api-client.ts';

/** The media API's upload shapes (services/media routes/schemas.ts: Upload, UploadInstructions, UploadProgress). */
export interface UploadRecord {
  id: string;
  episodeId: string;
  status: 'pending' | 'uploading' | 'ready' | 'failed';
  fileName: string;
  contentType: string;
  byteSize: number;
  durationSeconds: number | null;
}

export interface PartTarget {
  partNumber: number;
  url: string;
  /** First and last byte (inclusive) of the part in the file. */
  start: number;
  end: number;
}

export interface UploadInstructions {
  upload: UploadRecord;
  kind: 'single' | 'multipart';
  put?: { method: 'PUT'; url: string; headers: Record<string, string>; expiresAt: string };
  multipart?: { partSize: number; expiresAt: string; parts: PartTarget[] };
}

export interface UploadProgress {
  partSize: number;
  parts: { partNumber: number; size: number; etag: string }[];
  missing: PartTarget[];
  expiresAt: string;
}

/** No sha256: the server computes it while finalizing (it reads the object once there anyway). */
export const startUpload = (
  episodeId: string,
  body: { fileName: string; byteSize: number; contentType: string },
) => api<UploadInstructions>(`/api/v1/episodes/${episodeId}/uploads`, { method: 'POST', body });

export const uploadParts = (uploadId: string) => api<UploadProgress>(`/api/v1/uploads/${uploadId}/parts`);

/** Without a parts list: media completes from what storage lists (all parts must be there). */
export const completeUpload = (uploadId: string) =>
  api<UploadRecord>(`/api/v1/uploads/${uploadId}/complete`, { method: 'POST', body: {} });

export const getUpload = (uploadId: string) => api<UploadRecord>(`/api/v1/uploads/${uploadId}`);

export const abortUpload = (uploadId: string) =>
  api<void>(`/api/v1/uploads/${uploadId}`, { method: 'DELETE' });
