import type { ByteSource } from './byte-source.ts';
import { isFlac, probeFlac } from './flac-probe.ts';
import { probeMp3 } from './mp3-probe.ts';
import { isMp4, probeMp4 } from './mp4-probe.ts';
import { isOgg, probeOgg } from './ogg-probe.ts';
import { isWav, probeWav } from './wav-probe.ts';

export type MediaFormat = 'mp3' | 'mp4' | 'ogg' | 'wav' | 'flac';

export interface MediaProbe {
  format: MediaFormat;
  /** The type detected from the bytes; the client's declared type is never trusted. */
  contentType: string;
  /** null when the container does not say and cannot be estimated. */
  durationMs: number | null;
}

/** Bytes read up front: enough for an MP3's first frames after a typical ID3 tag, and every header. */
export const PROBE_HEAD_BYTES = 64 * 1024;

/** Detects the format from magic bytes and reads the duration; undefined for anything else. */
export async function probeMedia(source: ByteSource): Promise<MediaProbe | undefined> {
  if (source.size < 4) return undefined;
  const head = await source.read(0, PROBE_HEAD_BYTES);
  if (isMp4(head)) return { format: 'mp4', ...(await probeMp4(source, head)) };
  if (isOgg(head)) return { format: 'ogg', ...(await probeOgg(source, head)) };
  if (isWav(head)) return { format: 'wav', contentType: 'audio/wav', ...(await probeWav(source)) };
  if (isFlac(head)) return { format: 'flac', contentType: 'audio/flac', ...(await probeFlac(source)) };
  const mp3 = await probeMp3(source, head);
  if (mp3) return { format: 'mp3', contentType: 'audio/mpeg', ...mp3 };
  return undefined;
}
