import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { MP3_FRAME_BYTES, silentMp3 } from '../../../services/media/src/domain/media-probe/audio-fixtures.ts';

/**
 * A silent but valid MP3 of about `bytes` on disk (media probes the frames): the file a creator
 * drops into the dashboard. Written in chunks so a large one never sits in memory whole.
 */
export async function writeMp3(dir: string, name: string, bytes: number): Promise<string> {
  const path = join(dir, name);
  const chunkFrames = 2048;
  const chunk = silentMp3({ frames: chunkFrames });
  const totalFrames = Math.ceil(bytes / MP3_FRAME_BYTES);
  const file = await open(path, 'w');
  try {
    await file.write(silentMp3({ frames: 1, id3: true }));
    for (let written = 1; written < totalFrames; written += chunkFrames) {
      const frames = Math.min(chunkFrames, totalFrames - written);
      await file.write(frames === chunkFrames ? chunk : chunk.subarray(0, frames * MP3_FRAME_BYTES));
    }
  } finally {
    await file.close();
  }
  return path;
}
