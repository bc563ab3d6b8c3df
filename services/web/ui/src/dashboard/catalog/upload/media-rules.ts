import { extensionOf } from '../files/file-size.ts';

/** The server's default MAX_UPLOAD_BYTES (services/media media.config.ts); it answers 413 if it holds less. */
export const MAX_MEDIA_BYTES = 5 * 1024 ** 3;

/** Audio formats media can probe (services/media domain/media-probe), by extension. */
const TYPES_BY_EXTENSION: Record<string, string> = {
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  mp4: 'audio/mp4',
  aac: 'audio/aac',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  opus: 'audio/ogg',
  wav: 'audio/wav',
  flac: 'audio/flac',
};

/** For the file picker and the Dropzone check. */
export const MEDIA_ACCEPT: Record<string, string[]> = {
  'audio/mpeg': ['.mp3'],
  'audio/mp4': ['.m4a', '.mp4'],
  'audio/x-m4a': ['.m4a'],
  'audio/aac': ['.aac'],
  'audio/ogg': ['.ogg', '.oga', '.opus'],
  'audio/wav': ['.wav'],
  'audio/x-wav': ['.wav'],
  'audio/flac': ['.flac'],
  'video/mp4': ['.mp4'],
};
export const MEDIA_ACCEPT_TEXT = 'an MP3, M4A, AAC, Ogg/Opus, WAV or FLAC audio file';

/** The Content-Type to declare (`^(audio|video)/…` on the API), or null for a file that is not audio. */
export function mediaContentType(file: File): string | null {
  if (/^(audio|video)\/[A-Za-z0-9.+-]+$/.test(file.type)) return file.type;
  return TYPES_BY_EXTENSION[extensionOf(file.name)] ?? null;
}
