/**
 * Tiny but structurally valid audio files, generated in tests (unit and integration) so no binary
 * fixtures live in the repository. Silence everywhere: only the headers matter to the probe.
 */

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
};
const text = (value: string) => new TextEncoder().encode(value);
const be32 = (value: number) =>
  Uint8Array.of(value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
const le32 = (value: number) =>
  Uint8Array.of(value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24);
const le16 = (value: number) => Uint8Array.of(value & 0xff, value >>> 8);

/** MPEG-1 Layer III, 128 kbps, 44.1 kHz, stereo, no padding: 417 bytes and 1152 samples per frame. */
export const MP3_FRAME_BYTES = 417;
export const MP3_SAMPLES_PER_FRAME = 1152;

/**
 * `frames` silent MP3 frames (all-zero side info = no audio data), optionally behind an ID3v2 tag and
 * with a Xing header in the first frame (which then counts `frames - 1` audio frames, as encoders do).
 */
export function silentMp3(options: { frames: number; id3?: boolean; xing?: boolean }): Uint8Array {
  const frames: Uint8Array[] = [];
  for (let i = 0; i < options.frames; i++) {
    const frame = new Uint8Array(MP3_FRAME_BYTES);
    frame.set([0xff, 0xfb, 0x90, 0x00]);
    if (i === 0 && options.xing) {
      frame.set(text('Xing'), 4 + 32);
      frame.set(be32(0x1), 4 + 32 + 4);
      frame.set(be32(options.frames - 1), 4 + 32 + 8);
    }
    frames.push(frame);
  }
  const parts = frames;
  if (options.id3) {
    const body = concat(
      text('TIT2'),
      be32(6),
      Uint8Array.of(0, 0, 3),
      text('test'),
      Uint8Array.of(0),
      new Uint8Array(100),
    );
    const size = body.length;
    const syncsafe = Uint8Array.of((size >> 21) & 0x7f, (size >> 14) & 0x7f, (size >> 7) & 0x7f, size & 0x7f);
    parts.unshift(concat(text('ID3'), Uint8Array.of(4, 0, 0), syncsafe, body));
  }
  return concat(...parts);
}

/** An M4A whose `moov` (with `mvhd` and one audio track) follows `mdat`, like a non-fast-start file. */
export function m4a(options: {
  timescale: number;
  duration: number;
  version?: 0 | 1;
  video?: boolean;
  brand?: string;
}): Uint8Array {
  const box = (type: string, ...payload: Uint8Array[]) => {
    const body = concat(...payload);
    return concat(be32(body.length + 8), text(type), body);
  };
  const brand = options.brand ?? 'M4A ';
  const ftyp = box('ftyp', text(brand), be32(0), text('isom'), text(brand === 'M4A ' ? 'mp42' : brand));
  const mvhdBody =
    options.version === 1
      ? concat(
          Uint8Array.of(1, 0, 0, 0),
          new Uint8Array(16),
          be32(options.timescale),
          be32(0),
          be32(options.duration),
          new Uint8Array(80),
        )
      : concat(
          Uint8Array.of(0, 0, 0, 0),
          new Uint8Array(8),
          be32(options.timescale),
          be32(options.duration),
          new Uint8Array(80),
        );
  const hdlr = box(
    'hdlr',
    new Uint8Array(4),
    new Uint8Array(4),
    text(options.video ? 'vide' : 'soun'),
    new Uint8Array(12),
    Uint8Array.of(0),
  );
  const moov = box('moov', box('mvhd', mvhdBody), box('trak', box('mdia', hdlr)));
  return concat(ftyp, box('mdat', new Uint8Array(2048)), moov);
}

/** PCM WAV: `seconds` of 16-bit silence at `sampleRate`, `channels` channels. */
export function wav(options: { sampleRate: number; channels: number; seconds: number }): Uint8Array {
  const blockAlign = options.channels * 2;
  const byteRate = options.sampleRate * blockAlign;
  const dataSize = Math.round(byteRate * options.seconds);
  const fmt = concat(
    text('fmt '),
    le32(16),
    le16(1),
    le16(options.channels),
    le32(options.sampleRate),
    le32(byteRate),
    le16(blockAlign),
    le16(16),
  );
  const list = concat(text('LIST'), le32(4), text('INFO'));
  const data = concat(text('data'), le32(dataSize), new Uint8Array(dataSize));
  return concat(
    text('RIFF'),
    le32(4 + fmt.length + list.length + data.length),
    text('WAVE'),
    fmt,
    list,
    data,
  );
}

/** FLAC with only a STREAMINFO block announcing `totalSamples` at `sampleRate`. */
export function flac(options: { sampleRate: number; totalSamples: number }): Uint8Array {
  const info = new Uint8Array(34);
  info.set([0x10, 0x00, 0x10, 0x00]); // min/max block size 4096
  const { sampleRate, totalSamples } = options;
  info[10] = (sampleRate >> 12) & 0xff;
  info[11] = (sampleRate >> 4) & 0xff;
  // 4 bits of rate, 3 bits channels-1 (1 = stereo), 1 bit of (bps-1)=15
  info[12] = ((sampleRate & 0x0f) << 4) | (1 << 1) | 0;
  info[13] = (0x0f << 4) | (Math.floor(totalSamples / 2 ** 32) & 0x0f);
  info.set(be32(totalSamples >>> 0), 14);
  return concat(text('fLaC'), Uint8Array.of(0x80, 0, 0, 34), info, new Uint8Array(64));
}

function oggPage(options: {
  serial: number;
  sequence: number;
  granule: number;
  headerType: number;
  payload: Uint8Array;
}) {
  const granule = new Uint8Array(8);
  new DataView(granule.buffer).setBigInt64(0, BigInt(options.granule), true);
  const lacing: number[] = [];
  let remaining = options.payload.length;
  while (remaining >= 255) {
    lacing.push(255);
    remaining -= 255;
  }
  lacing.push(remaining);
  return concat(
    text('OggS'),
    Uint8Array.of(0, options.headerType),
    granule,
    le32(options.serial),
    le32(options.sequence),
    le32(0), // CRC: not checked by the probe
    Uint8Array.of(lacing.length),
    Uint8Array.from(lacing),
    options.payload,
  );
}

/** An Ogg stream whose identification header is Vorbis or Opus and whose last page ends at `samples`. */
export function ogg(options: {
  codec: 'vorbis' | 'opus';
  sampleRate: number;
  samples: number;
  preSkip?: number;
}): Uint8Array {
  const serial = 0x1234;
  const ident =
    options.codec === 'vorbis'
      ? concat(
          Uint8Array.of(1),
          text('vorbis'),
          le32(0),
          Uint8Array.of(2),
          le32(options.sampleRate),
          new Uint8Array(14),
        )
      : concat(
          text('OpusHead'),
          Uint8Array.of(1, 2),
          le16(options.preSkip ?? 0),
          le32(options.sampleRate),
          new Uint8Array(3),
        );
  return concat(
    oggPage({ serial, sequence: 0, granule: 0, headerType: 2, payload: ident }),
    oggPage({ serial, sequence: 1, granule: -1, headerType: 0, payload: new Uint8Array(300) }),
    oggPage({ serial, sequence: 2, granule: options.samples, headerType: 4, payload: new Uint8Array(100) }),
  );
}
