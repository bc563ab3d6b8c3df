/**
 * Type and pixel size of an image from its bytes (magic numbers and headers), never from the declared
 * Content-Type or the file name. JPEG and PNG only: what Apple Podcasts accepts for show artwork.
 */
export interface ImageInfo {
  contentType: 'image/jpeg' | 'image/png';
  width: number;
  height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const u16 = (b: Uint8Array, o: number) => ((b[o] ?? 0) << 8) | (b[o + 1] ?? 0);
const u32 = (b: Uint8Array, o: number) => u16(b, o) * 65536 + u16(b, o + 2);

function pngInfo(bytes: Uint8Array): ImageInfo | undefined {
  // The first chunk must be IHDR: length 13, type, then width and height (big-endian).
  if (bytes.length < 24 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return undefined;
  return { contentType: 'image/png', width: u32(bytes, 16), height: u32(bytes, 20) };
}

/** SOFn markers carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not. */
const isStartOfFrame = (marker: number) =>
  marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

function jpegInfo(bytes: Uint8Array): ImageInfo | undefined {
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = bytes[offset + 1] ?? 0;
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2; // markers without a length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // end of image / scan before any frame header
    const length = u16(bytes, offset + 2);
    if (length < 2) return undefined;
    if (isStartOfFrame(marker)) {
      if (offset + 9 > bytes.length) return undefined;
      return { contentType: 'image/jpeg', height: u16(bytes, offset + 5), width: u16(bytes, offset + 7) };
    }
    offset += 2 + length;
  }
  return undefined;
}

/** JPEG or PNG with a readable size, else undefined (another type, or a truncated/broken header). */
export function imageInfo(bytes: Uint8Array): ImageInfo | undefined {
  if (PNG_SIGNATURE.every((value, index) => bytes[index] === value)) return pngInfo(bytes);
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return jpegInfo(bytes);
  return undefined;
}
