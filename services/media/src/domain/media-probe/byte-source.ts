/**
 * Random access to a stored object, just enough to sniff type and duration without downloading the
 * whole file: the MP4 `moov` box may sit at the end, an Ogg duration lives in the last page.
 */
export interface ByteSource {
  readonly size: number;
  /** Up to `length` bytes from `start` (fewer at the end of the object). */
  read(start: number, length: number): Promise<Uint8Array>;
}

export function bufferSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: async (start, length) => bytes.subarray(start, Math.min(bytes.length, start + length)),
  };
}

export const ascii = (bytes: Uint8Array, offset: number, length: number): string =>
  offset + length > bytes.length ? '' : String.fromCharCode(...bytes.subarray(offset, offset + length));

export const u16be = (b: Uint8Array, o: number) => ((b[o] ?? 0) << 8) | (b[o + 1] ?? 0);
export const u32be = (b: Uint8Array, o: number) =>
  (((b[o] ?? 0) << 24) >>> 0) + (((b[o + 1] ?? 0) << 16) | ((b[o + 2] ?? 0) << 8) | (b[o + 3] ?? 0));
export const u16le = (b: Uint8Array, o: number) => (b[o] ?? 0) | ((b[o + 1] ?? 0) << 8);
export const u32le = (b: Uint8Array, o: number) =>
  u32be(Uint8Array.of(b[o + 3] ?? 0, b[o + 2] ?? 0, b[o + 1] ?? 0, b[o] ?? 0), 0);
export const u64be = (b: Uint8Array, o: number) => u32be(b, o) * 2 ** 32 + u32be(b, o + 4);
/** Little-endian signed 64-bit as a number; -1 (no granule) stays negative. */
export const i64le = (b: Uint8Array, o: number) => {
  const high = u32le(b, o + 4);
  const low = u32le(b, o);
  return high >= 0x80000000
    ? -((0xffffffff - high) * 2 ** 32 + (0xffffffff - low) + 1)
    : high * 2 ** 32 + low;
};
