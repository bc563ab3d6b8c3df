import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { flac, MP3_FRAME_BYTES, MP3_SAMPLES_PER_FRAME, m4a, ogg, silentMp3, wav } from './audio-fixtures.ts';
import { bufferSource } from './byte-source.ts';
import { probeMedia } from './media-probe.ts';
import { parseMpegFrameHeader } from './mp3-probe.ts';

const probe = (bytes: Uint8Array) => probeMedia(bufferSource(bytes));
const close = (actual: number | null | undefined, expected: number, tolerance = 1) => {
  assert.ok(typeof actual === 'number', `duration is ${actual}`);
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} ≉ ${expected}`);
};

describe('mp3', () => {
  test('parses the frame header of the generated frames', () => {
    const header = parseMpegFrameHeader(silentMp3({ frames: 1 }), 0);
    assert.deepEqual(header, {
      version: 1,
      layer: 3,
      bitrate: 128000,
      sampleRate: 44100,
      mono: false,
      frameLength: MP3_FRAME_BYTES,
      samplesPerFrame: MP3_SAMPLES_PER_FRAME,
    });
  });

  test('CBR estimate from size and bitrate, behind an ID3v2 tag', async () => {
    const result = await probe(silentMp3({ frames: 100, id3: true }));
    assert.equal(result?.format, 'mp3');
    assert.equal(result?.contentType, 'audio/mpeg');
    // 100 frames × 417 bytes × 8 / 128 kbit/s = 2606.25 ms (the frame-exact value is 2612.2 ms)
    close(result?.durationMs, (100 * MP3_FRAME_BYTES * 8 * 1000) / 128000);
  });

  test('Xing header frame count wins over the estimate', async () => {
    const result = await probe(silentMp3({ frames: 50, xing: true }));
    close(result?.durationMs, (49 * MP3_SAMPLES_PER_FRAME * 1000) / 44100);
  });

  test('random bytes starting with a sync word are not MP3', async () => {
    const bytes = new Uint8Array(5000).fill(0x11);
    bytes.set([0xff, 0xfb, 0x90, 0x00]);
    assert.equal(await probe(bytes), undefined);
    assert.equal(await probe(new TextEncoder().encode('<html>not audio at all</html>')), undefined);
    assert.equal(await probe(new Uint8Array(2)), undefined);
  });
});

describe('mp4', () => {
  test('mvhd v0 duration, moov after mdat, audio brand', async () => {
    const result = await probe(m4a({ timescale: 44100, duration: 44100 * 61 }));
    assert.deepEqual(result, { format: 'mp4', contentType: 'audio/mp4', durationMs: 61000 });
  });
  test('mvhd v1 and a video track make video/mp4', async () => {
    const result = await probe(
      m4a({ timescale: 1000, duration: 12345, version: 1, video: true, brand: 'isom' }),
    );
    assert.deepEqual(result, { format: 'mp4', contentType: 'video/mp4', durationMs: 12345 });
  });
});

describe('wav, flac, ogg', () => {
  test('wav duration from byte rate', async () => {
    const result = await probe(wav({ sampleRate: 8000, channels: 1, seconds: 1.5 }));
    assert.deepEqual(result, { format: 'wav', contentType: 'audio/wav', durationMs: 1500 });
  });
  test('flac duration from STREAMINFO', async () => {
    const result = await probe(flac({ sampleRate: 48000, totalSamples: 48000 * 7 }));
    assert.deepEqual(result, { format: 'flac', contentType: 'audio/flac', durationMs: 7000 });
  });
  test('ogg vorbis and opus duration from the last granule', async () => {
    assert.deepEqual(await probe(ogg({ codec: 'vorbis', sampleRate: 44100, samples: 44100 * 3 })), {
      format: 'ogg',
      contentType: 'audio/ogg',
      durationMs: 3000,
    });
    assert.deepEqual(
      await probe(ogg({ codec: 'opus', sampleRate: 48000, samples: 48000 * 2 + 312, preSkip: 312 })),
      {
        format: 'ogg',
        contentType: 'audio/ogg; codecs=opus',
        durationMs: 2000,
      },
    );
  });
});
