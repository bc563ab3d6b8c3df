/**
 * The file name in enclosure URLs (`/m/{token}/{episodeId}/{fileName}`). The auth hop compares it
 * with `EpisodePolicy.media.fileName`, so every writer of that record must derive it the same way:
 * the uploaded name reduced to URL-safe characters, or `episode.<ext>` from the content type.
 */
const EXTENSIONS: Record<string, string> = {
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/x-m4a': 'm4a',
  'audio/aac': 'aac',
  'audio/ogg': 'ogg',
  'audio/opus': 'opus',
  'audio/flac': 'flac',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'video/mp4': 'mp4',
};

export function mediaFileName(originalFileName: string | null, contentType: string): string {
  const cleaned = (originalFileName ?? '')
    .split(/[\\/]/)
    .pop()!
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, 120);
  if (cleaned && /\.[A-Za-z0-9]{1,5}$/.test(cleaned)) return cleaned;
  return `episode.${EXTENSIONS[contentType.split(';')[0]!.trim().toLowerCase()] ?? 'bin'}`;
}
