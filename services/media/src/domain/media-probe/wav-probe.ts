import { ascii, type ByteSource, u16le, u32le } from './byte-source.ts';

/** RIFF/WAVE: walks the chunks for `fmt ` (byte rate) and `data` (its size); duration = data / byte rate. */
export function isWav(head: Uint8Array): boolean {
  return ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'WAVE';
}

export async function probeWav(source: ByteSource): Promise<{ durationMs: number | null }> {
  let offset = 12;
  let byteRate = 0;
  for (let chunks = 0; offset + 8 <= source.size && chunks < 1000; chunks++) {
    const header = await source.read(offset, 24);
    const id = ascii(header, 0, 4);
    const size = u32le(header, 4);
    if (id === 'fmt ') {
      const channels = u16le(header, 10);
      byteRate = u32le(header, 16);
      if (channels === 0) return { durationMs: null };
    } else if (id === 'data') {
      // A streaming writer may leave the size at 0 or 0xFFFFFFFF: then the data runs to the end of the file.
      const available = source.size - offset - 8;
      const dataSize = size === 0 || size === 0xffffffff || size > available ? available : size;
      return { durationMs: byteRate > 0 ? (dataSize * 1000) / byteRate : null };
    }
    offset += 8 + size + (size % 2);
  }
  return { durationMs: null };
}
