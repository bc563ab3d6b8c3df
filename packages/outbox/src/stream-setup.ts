import { streams } from '@gatehouse/contracts';
import {
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';

/** JetStream dedupes `Nats-Msg-Id` within this window; a relay retry after a lost ack lands inside it. */
export const DUPLICATE_WINDOW_MS = 2 * 60 * 1000;
const nanos = (ms: number) => ms * 1_000_000;
/** JetStream's "stream name already in use" (not among the client's named codes). */
const STREAM_NAME_IN_USE = 10058;

/**
 * Creates the platform's streams (packages/contracts `streams`) or brings an existing one up to
 * the required subjects and duplicate window. Idempotent: every publisher and consumer calls it
 * at start, whoever comes first creates.
 */
export async function ensureStreams(
  jsm: JetStreamManager,
  layout: readonly { name: string; subjects: readonly string[] }[] = Object.values(streams),
): Promise<void> {
  for (const stream of layout) {
    const wanted: Partial<StreamConfig> & { name: string } = {
      name: stream.name,
      subjects: [...stream.subjects],
      duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    };
    try {
      const info = await jsm.streams.info(stream.name);
      const subjectsMatch = stream.subjects.every((subject) => info.config.subjects?.includes(subject));
      if (!subjectsMatch || info.config.duplicate_window < nanos(DUPLICATE_WINDOW_MS)) {
        await jsm.streams.update(stream.name, {
          subjects: [...new Set([...(info.config.subjects ?? []), ...stream.subjects])],
          duplicate_window: Math.max(info.config.duplicate_window, nanos(DUPLICATE_WINDOW_MS)),
        });
      }
    } catch (error) {
      if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.StreamNotFound)
        throw error;
      try {
        await jsm.streams.add(wanted);
      } catch (raced) {
        // Another replica created it between our info and add: fine, it has the same config.
        if (!(raced instanceof JetStreamApiError) || raced.code !== STREAM_NAME_IN_USE) throw raced;
      }
    }
  }
}
