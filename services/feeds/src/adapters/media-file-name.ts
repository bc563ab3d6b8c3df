/**
 * The file name in enclosure URLs (`/m/{token}/{episodeId}/{fileName}`). The auth hop compares it
 * with `EpisodePolicy.media.fileName`, which the media service derives from the object key (its
 * last segment; keys are `[A-Za-z0-9/._-]` only), so the feeds derive it the same way.
 */
export function mediaFileName(objectKey: string): string {
  return objectKey.slice(objectKey.lastIndexOf('/') + 1);
}
