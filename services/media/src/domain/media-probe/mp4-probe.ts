import { ascii, type ByteSource, u32be, u64be } from './byte-source.ts';

/**
 * ISO base media (MP4/M4A): walks box headers only — `moov` may come after a large `mdat` when the file
 * was not written "fast start" — and reads `mvhd` for timescale/duration and each track's `hdlr` to tell
 * audio from video.
 */

interface Box {
  type: string;
  /** Offset of the box header. */
  start: number;
  /** Offset of the payload. */
  body: number;
  end: number;
}

const MAX_BOXES = 10_000;
const AUDIO_BRANDS = new Set(['M4A ', 'M4B ', 'M4P ', 'F4A ', 'F4B ']);

async function children(source: ByteSource, start: number, end: number): Promise<Box[]> {
  const boxes: Box[] = [];
  let offset = start;
  while (offset + 8 <= end && boxes.length < MAX_BOXES) {
    const header = await source.read(offset, 16);
    if (header.length < 8) break;
    let size = u32be(header, 0);
    const type = ascii(header, 4, 4);
    let body = offset + 8;
    if (size === 1) {
      if (header.length < 16) break;
      size = u64be(header, 8);
      body = offset + 16;
    } else if (size === 0) {
      size = end - offset;
    }
    if (size < body - offset || offset + size > end) break; // corrupt or truncated: stop walking
    boxes.push({ type, start: offset, body, end: offset + size });
    offset += size;
  }
  return boxes;
}

async function child(source: ByteSource, parent: Box, type: string): Promise<Box | undefined> {
  return (await children(source, parent.body, parent.end)).find((box) => box.type === type);
}

export function isMp4(head: Uint8Array): boolean {
  return ascii(head, 4, 4) === 'ftyp';
}

export async function probeMp4(
  source: ByteSource,
  head: Uint8Array,
): Promise<{ contentType: string; durationMs: number | null }> {
  const top = await children(source, 0, source.size);
  const ftyp = top.find((box) => box.type === 'ftyp');
  const brands: string[] = [];
  if (ftyp) {
    const bytes = await source.read(ftyp.body, Math.min(ftyp.end - ftyp.body, 256));
    brands.push(ascii(bytes, 0, 4));
    for (let i = 8; i + 4 <= bytes.length; i += 4) brands.push(ascii(bytes, i, 4));
  } else {
    brands.push(ascii(head, 8, 4));
  }
  const moov = top.find((box) => box.type === 'moov');
  let durationMs: number | null = null;
  let hasVideo = false;
  if (moov) {
    const inner = await children(source, moov.body, moov.end);
    const mvhd = inner.find((box) => box.type === 'mvhd');
    if (mvhd) durationMs = await mvhdDuration(source, mvhd);
    for (const trak of inner.filter((box) => box.type === 'trak')) {
      const mdia = await child(source, trak, 'mdia');
      const hdlr = mdia && (await child(source, mdia, 'hdlr'));
      if (hdlr && ascii(await source.read(hdlr.body + 8, 4), 0, 4) === 'vide') hasVideo = true;
    }
  }
  const audioBrand = brands.some((brand) => AUDIO_BRANDS.has(brand));
  return { contentType: hasVideo && !audioBrand ? 'video/mp4' : 'audio/mp4', durationMs };
}

async function mvhdDuration(source: ByteSource, mvhd: Box): Promise<number | null> {
  const bytes = await source.read(mvhd.body, 32);
  const version = bytes[0];
  const timescale = version === 1 ? u32be(bytes, 20) : u32be(bytes, 12);
  const duration = version === 1 ? u64be(bytes, 24) : u32be(bytes, 16);
  // All-ones duration means "unknown" (fragmented files).
  if (!timescale || duration === 0xffffffff || duration >= 2 ** 53) return null;
  return (duration * 1000) / timescale;
}
