import { ascii, type ByteSource, u32be } from './byte-source.ts';

/** Native FLAC: STREAMINFO (always the first metadata block) holds sample rate and total samples. */
export function isFlac(head: Uint8Array): boolean {
  return ascii(head, 0, 4) === 'fLaC';
}

export async function probeFlac(source: ByteSource): Promise<{ durationMs: number | null }> {
  const bytes = await source.read(0, 42);
  if (((bytes[4] ?? 0) & 0x7f) !== 0 || bytes.length < 26) return { durationMs: null };
  const info = 8;
  const sampleRate =
    ((bytes[info + 10] ?? 0) << 12) | ((bytes[info + 11] ?? 0) << 4) | ((bytes[info + 12] ?? 0) >> 4);
  const totalSamples = ((bytes[info + 13] ?? 0) & 0x0f) * 2 ** 32 + u32be(bytes, info + 14);
  if (!sampleRate || !totalSamples) return { durationMs: null };
  return { durationMs: (totalSamples * 1000) / sampleRate };
}
