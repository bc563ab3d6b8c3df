import type { EdgeRequestRecord } from '@gatehouse/contracts';

/**
 * Where records go (JetStream in production). `publish` resolves only when every record of the
 * batch is stored (a duplicate counts as stored) and rejects otherwise; the shipper then retries
 * the whole batch, which the dedupe ids make safe. `acknowledgeEach` asks for one ack per record
 * (exact duplicate counts): for batches that may repeat earlier ones — the first after a start
 * and every retry.
 */
export interface RecordSink {
  publish(
    records: readonly EdgeRequestRecord[],
    options: { acknowledgeEach: boolean },
  ): Promise<{ stored: number; duplicates: number }>;
}
