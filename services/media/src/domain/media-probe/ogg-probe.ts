import { ascii, type ByteSource, i64le, u16le, u32le } from './byte-source.ts';

/**
 * Ogg (Vorbis, Opus): the sample rate comes from the first packet of the first page, the sample count
 * from the granule position of the last page of the same logical stream.
 */
export function isOgg(head: Uint8Array): boolean {
  return ascii(head, 0, 4) === 'OggS';
}

const TAIL = 64 * 1024;

export async function probeOgg(
  source: ByteSource,
  head: Uint8Array,
): Promise<{ contentType: string; durationMs: number | null }> {
  const segments = head[26] ?? 0;
  const payload = 27 + segments;
  const serial = u32le(head, 14);
  let sampleRate = 0;
  let preSkip = 0;
  let contentType = 'audio/ogg';
  if (ascii(head, payload, 7) === '\x01vorbis') {
    sampleRate = u32le(head, payload + 12);
  } else if (ascii(head, payload, 8) === 'OpusHead') {
    sampleRate = 48000; // Opus granules always count 48 kHz samples
    preSkip = u16le(head, payload + 10);
    contentType = 'audio/ogg; codecs=opus';
  }
  if (!sampleRate) return { contentType, durationMs: null };
  const start = Math.max(0, source.size - TAIL);
  const tail = await source.read(start, source.size - start);
  for (let i = tail.length - 27; i >= 0; i--) {
    if (tail[i] !== 0x4f || ascii(tail, i, 4) !== 'OggS' || u32le(tail, i + 14) !== serial) continue;
    const granule = i64le(tail, i + 6);
    if (granule < 0) continue; // a page with no packet ending on it
    return { contentType, durationMs: (Math.max(0, granule - preSkip) * 1000) / sampleRate };
  }
  return { contentType, durationMs: null };
}
