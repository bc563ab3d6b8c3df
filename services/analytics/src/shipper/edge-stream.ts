import { edgeRecordsStream } from '@gatehouse/contracts';
import {
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';

const nanos = (ms: number) => ms * 1_000_000;
const DAY_MS = 24 * 60 * 60 * 1000;
/** JetStream's "stream name already in use" (not among the client's named codes). */
const STREAM_NAME_IN_USE = 10058;

/**
 * Creates `GH_EDGE` (or brings it to the wanted retention and dedupe window). Idempotent; the
 * shipper and the analytics consumers call it at start, whoever comes first creates. Retention is
 * by age: records older than `retentionDays` are removed by JetStream.
 */
export async function ensureEdgeStream(
  jsm: JetStreamManager,
  options: { retentionDays?: number; name?: string; subjects?: string[] } = {},
): Promise<void> {
  const name = options.name ?? edgeRecordsStream.name;
  const maxAge = nanos((options.retentionDays ?? edgeRecordsStream.defaultRetentionDays) * DAY_MS);
  const duplicateWindow = nanos(edgeRecordsStream.duplicateWindowMs);
  try {
    const info = await jsm.streams.info(name);
    if (info.config.max_age !== maxAge || info.config.duplicate_window !== duplicateWindow) {
      await jsm.streams.update(name, { max_age: maxAge, duplicate_window: duplicateWindow });
    }
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.code !== JetStreamApiCodes.StreamNotFound) throw error;
    try {
      await jsm.streams.add({
        name,
        subjects: options.subjects ?? [...edgeRecordsStream.subjects],
        retention: RetentionPolicy.Limits,
        storage: StorageType.File,
        max_age: maxAge,
        duplicate_window: duplicateWindow,
      });
    } catch (raced) {
      if (!(raced instanceof JetStreamApiError) || raced.code !== STREAM_NAME_IN_USE) throw raced;
    }
  }
}
