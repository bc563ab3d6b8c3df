/** What counting needs to know about an episode's current file (media's tables). */
export interface EpisodeMedia {
  /** The episode's tenant (public media records carry none); null when the episode is unknown. */
  tenantId: string | null;
  /** Bytes of the file, when media recorded it. */
  byteSize: number | null;
  durationSeconds: number | null;
  /** Where the audio starts (the ID3 tag's size), when known. */
  audioStartOffset: number | null;
}

/** One minute of audio: the IAB minimum for a download. */
export const MINUTE_SECONDS = 60;
/**
 * Bytes per minute assumed when media does not know the duration: 128 kbit/s, a common podcast
 * bitrate. Only used for files without a probed duration (documented in docs/analytics.md).
 */
export const FALLBACK_BYTES_PER_MINUTE = (128_000 / 8) * MINUTE_SECONDS;

/**
 * Bytes a listener's requests must cover to make a download: the ID3 tag plus one minute of audio
 * at the file's average byte rate, or the whole file when it is shorter than that.
 * `objectSize` (the size the edge served, carried in the record) wins over media's stored size,
 * so the threshold follows the record's content.
 */
export function downloadThreshold(media: EpisodeMedia | undefined, objectSize: number | null): number {
  const size = objectSize ?? media?.byteSize ?? null;
  const tag = Math.max(0, media?.audioStartOffset ?? 0);
  const duration = media?.durationSeconds ?? null;
  const audioMinute =
    size !== null && duration !== null && duration > 0
      ? Math.ceil(((size - Math.min(tag, size)) * MINUTE_SECONDS) / duration)
      : FALLBACK_BYTES_PER_MINUTE;
  const wanted = tag + audioMinute;
  return Math.max(1, size === null ? wanted : Math.min(size, wanted));
}
