import { extensionOf } from './file-size.ts';
import type { PublicFileRule } from './public-file-drop.tsx';

const MiB = 1024 * 1024;

/** Apple Podcasts artwork: square JPEG or PNG, 1400–3000 px (services/media public-files.service.ts). */
export const ARTWORK_MIN_PX = 1400;
export const ARTWORK_MAX_PX = 3000;

function imageSize(file: File): Promise<{ width: number; height: number } | null> {
  return new Promise((resolve) => {
    const url = URL.createObjectURL(file);
    const image = new Image();
    image.onload = () => {
      resolve({ width: image.naturalWidth, height: image.naturalHeight });
      URL.revokeObjectURL(url);
    };
    image.onerror = () => {
      resolve(null);
      URL.revokeObjectURL(url);
    };
    image.src = url;
  });
}

export const artworkRule: PublicFileRule = {
  label: 'Artwork',
  accept: { 'image/jpeg': ['.jpg', '.jpeg'], 'image/png': ['.png'] },
  acceptText: 'a JPEG or PNG image',
  maxBytes: 10 * MiB,
  contentTypeOf: (file) =>
    file.type === 'image/jpeg' || file.type === 'image/png'
      ? file.type
      : (({ jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png' } as Record<string, string>)[
          extensionOf(file.name)
        ] ?? null),
  async check(file) {
    const size = await imageSize(file);
    if (!size) return `${file.name} could not be read as an image.`;
    if (size.width !== size.height)
      return `Artwork must be square; this image is ${size.width}×${size.height} px.`;
    if (size.width < ARTWORK_MIN_PX || size.width > ARTWORK_MAX_PX)
      return `Artwork must be ${ARTWORK_MIN_PX}–${ARTWORK_MAX_PX} px a side; this image is ${size.width} px.`;
    return null;
  },
};

const TRANSCRIPT_TYPES: Record<string, string> = {
  vtt: 'text/vtt',
  srt: 'application/x-subrip',
  json: 'application/json',
  txt: 'text/plain',
};

export const transcriptRule: PublicFileRule = {
  label: 'Transcript',
  accept: {
    'text/vtt': ['.vtt'],
    'application/x-subrip': ['.srt'],
    'application/json': ['.json'],
    'text/plain': ['.txt'],
  },
  acceptText: 'a WebVTT, SRT, JSON or plain-text transcript',
  maxBytes: 5 * MiB,
  contentTypeOf: (file) => TRANSCRIPT_TYPES[extensionOf(file.name)] ?? null,
};

export const chaptersRule: PublicFileRule = {
  label: 'Chapters',
  accept: { 'application/json': ['.json'] },
  acceptText: 'a JSON chapters file (podcast namespace)',
  maxBytes: 1 * MiB,
  contentTypeOf: (file) => (extensionOf(file.name) === 'json' ? 'application/json' : null),
};
