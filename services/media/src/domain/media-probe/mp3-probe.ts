import { ascii, type ByteSource, u32be } from './byte-source.ts';

/**
 * MPEG audio (MP3): skips an ID3v2 tag, finds the first frame whose successor is also a valid frame
 * (so random 0xFFE bytes do not count), then takes the duration from a Xing/Info or VBRI header when the
 * encoder wrote one, else estimates it from the constant bitrate and the audio byte count.
 */

const BITRATES_KBPS: Record<string, readonly number[]> = {
  '1-1': [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  '1-2': [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  '1-3': [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  '2-1': [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  '2-2': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  '2-3': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const SAMPLE_RATES: Record<number, readonly number[]> = {
  1: [44100, 48000, 32000],
  2: [22050, 24000, 16000],
  2.5: [11025, 12000, 8000],
};

export interface MpegFrameHeader {
  /** MPEG version: 1, 2 or 2.5. */
  version: 1 | 2 | 2.5;
  layer: 1 | 2 | 3;
  bitrate: number;
  sampleRate: number;
  mono: boolean;
  frameLength: number;
  samplesPerFrame: number;
}

export function parseMpegFrameHeader(bytes: Uint8Array, offset: number): MpegFrameHeader | undefined {
  if (offset + 4 > bytes.length) return undefined;
  const b1 = bytes[offset + 1] ?? 0;
  const b2 = bytes[offset + 2] ?? 0;
  const b3 = bytes[offset + 3] ?? 0;
  if (bytes[offset] !== 0xff || (b1 & 0xe0) !== 0xe0) return undefined;
  const versionBits = (b1 >> 3) & 0b11;
  const layerBits = (b1 >> 1) & 0b11;
  if (versionBits === 0b01 || layerBits === 0b00) return undefined;
  const version = versionBits === 0b11 ? 1 : versionBits === 0b10 ? 2 : 2.5;
  const layer = (4 - layerBits) as 1 | 2 | 3;
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 0b11;
  if (bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return undefined; // free format not supported
  const bitrate = (BITRATES_KBPS[`${version === 1 ? 1 : 2}-${layer}`]?.[bitrateIndex] ?? 0) * 1000;
  const sampleRate = SAMPLE_RATES[version]?.[rateIndex] ?? 0;
  const padding = (b2 >> 1) & 1;
  const mono = b3 >> 6 === 0b11;
  let frameLength: number;
  let samplesPerFrame: number;
  if (layer === 1) {
    frameLength = (Math.floor((12 * bitrate) / sampleRate) + padding) * 4;
    samplesPerFrame = 384;
  } else if (layer === 2 || version === 1) {
    frameLength = Math.floor((144 * bitrate) / sampleRate) + padding;
    samplesPerFrame = 1152;
  } else {
    frameLength = Math.floor((72 * bitrate) / sampleRate) + padding;
    samplesPerFrame = 576;
  }
  return { version, layer, bitrate, sampleRate, mono, frameLength, samplesPerFrame };
}

/** Size of an ID3v2 tag at the start (0 when there is none). */
export function id3v2Size(bytes: Uint8Array): number {
  if (ascii(bytes, 0, 3) !== 'ID3' || bytes.length < 10) return 0;
  const syncsafe =
    ((bytes[6] ?? 0) << 21) | ((bytes[7] ?? 0) << 14) | ((bytes[8] ?? 0) << 7) | (bytes[9] ?? 0);
  const footer = ((bytes[5] ?? 0) & 0x10) !== 0 ? 10 : 0;
  return 10 + syncsafe + footer;
}

/** How far past the ID3 tag the first frame may start (encoders pad a little, never much). */
const SYNC_WINDOW = 8192;

export async function probeMp3(
  source: ByteSource,
  head: Uint8Array,
): Promise<{ durationMs: number | null } | undefined> {
  const audioStart = id3v2Size(head);
  if (audioStart >= source.size) return undefined;
  const window = await source.read(audioStart, SYNC_WINDOW + 4096);
  for (let i = 0; i < Math.min(window.length - 4, SYNC_WINDOW); i++) {
    const frame = parseMpegFrameHeader(window, i);
    if (!frame) continue;
    const next = i + frame.frameLength;
    const fileOffset = audioStart + i;
    const endsFile = fileOffset + frame.frameLength >= source.size;
    if (!endsFile) {
      // Confirm with the following frame (same version/layer/rate) to avoid a false sync.
      const after = next + 4 <= window.length ? window : await source.read(audioStart + next, 4);
      const at = after === window ? next : 0;
      const second = parseMpegFrameHeader(after, at);
      if (
        !second ||
        second.version !== frame.version ||
        second.layer !== frame.layer ||
        second.sampleRate !== frame.sampleRate
      ) {
        continue;
      }
    }
    return { durationMs: await durationOf(source, window, i, frame, fileOffset) };
  }
  return undefined;
}

async function durationOf(
  source: ByteSource,
  window: Uint8Array,
  frameStart: number,
  frame: MpegFrameHeader,
  fileOffset: number,
): Promise<number> {
  const sideInfo = frame.version === 1 ? (frame.mono ? 17 : 32) : frame.mono ? 9 : 17;
  const xingAt = frameStart + 4 + sideInfo;
  const tag = ascii(window, xingAt, 4);
  if (tag === 'Xing' || tag === 'Info') {
    const flags = u32be(window, xingAt + 4);
    if (flags & 0x1) {
      const frames = u32be(window, xingAt + 8);
      if (frames > 0) return (frames * frame.samplesPerFrame * 1000) / frame.sampleRate;
    }
  }
  const vbriAt = frameStart + 4 + 32;
  if (ascii(window, vbriAt, 4) === 'VBRI') {
    const frames = u32be(window, vbriAt + 14);
    if (frames > 0) return (frames * frame.samplesPerFrame * 1000) / frame.sampleRate;
  }
  // Constant bitrate: audio bytes over bytes per second, minus a trailing ID3v1 tag.
  const tail = source.size >= 128 ? await source.read(source.size - 128, 3) : new Uint8Array(0);
  const id3v1 = ascii(tail, 0, 3) === 'TAG' ? 128 : 0;
  const audioBytes = Math.max(0, source.size - fileOffset - id3v1);
  return (audioBytes * 8 * 1000) / frame.bitrate;
}
