import type { EdgeRequestRecord } from '@gatehouse/contracts';

/**
 * Where records go (JetStream in production). `publish` resolves only when every record of the
 * batch is stored (a duplicate counts as stored) and rejects otherwise; the shipper then retries
 * the whole batch, which the dedupe ids make safe.
 */
export interface RecordSink {
  publish(records: readonly EdgeRequestRecord[]): Promise<{ stored: number; duplicates: number }>;
}
