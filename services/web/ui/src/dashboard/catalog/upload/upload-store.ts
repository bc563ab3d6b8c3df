/**
 * What survives a reload: the multipart upload in flight for an episode, and which file it carries
 * (name, size, last modified — a browser cannot reopen a file by itself; the creator picks it again
 * and it must be the same one).
 */
export interface StoredUpload {
  uploadId: string;
  episodeId: string;
  fileName: string;
  size: number;
  lastModified: number;
}

const key = (episodeId: string) => `gatehouse.upload.${episodeId}`;

export function loadStoredUpload(episodeId: string): StoredUpload | null {
  try {
    const raw = window.localStorage.getItem(key(episodeId));
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<StoredUpload>;
    return typeof parsed.uploadId === 'string' && typeof parsed.size === 'number'
      ? (parsed as StoredUpload)
      : null;
  } catch {
    return null;
  }
}

export function saveStoredUpload(upload: StoredUpload): void {
  window.localStorage.setItem(key(upload.episodeId), JSON.stringify(upload));
}

export function clearStoredUpload(episodeId: string): void {
  window.localStorage.removeItem(key(episodeId));
}

export const isSameFile = (stored: StoredUpload, file: File) =>
  stored.fileName === file.name && stored.size === file.size && stored.lastModified === file.lastModified;
