import { Counter, Gauge, Registry } from 'prom-client';

/**
 * What the shipper counts. Nothing is dropped silently: a line that cannot become a record is
 * `edge_records_unparseable_total{reason}`, log bytes skipped without reading are
 * `edge_records_log_gaps_total{reason}` (+ bytes where known).
 */
export function createShipperMetrics() {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'edge-records-shipper' });
  const reasonCounter = (name: string, help: string) =>
    new Counter({ name, help, labelNames: ['reason'] as const, registers: [registry] });
  return {
    registry,
    shipped: new Counter({
      name: 'edge_records_shipped_total',
      help: 'Records JetStream acknowledged (new, or duplicates of ones it already had).',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    unparseable: reasonCounter(
      'edge_records_unparseable_total',
      'Log lines that could not become a record, by reason (not shipped, logged).',
    ),
    gaps: reasonCounter(
      'edge_records_log_gaps_total',
      'Times log bytes were skipped unread (truncated file, rotated file deleted, over-long line).',
    ),
    gapBytes: reasonCounter('edge_records_log_gap_bytes_total', 'Bytes skipped unread, where known.'),
    publishFailures: new Counter({
      name: 'edge_records_publish_failures_total',
      help: 'Batches JetStream did not fully acknowledge (retried; nothing is checkpointed past them).',
      registers: [registry],
    }),
    backlogBytes: new Gauge({
      name: 'edge_records_backlog_bytes',
      help: 'Bytes of the records log written by nginx and not read by the shipper yet.',
      registers: [registry],
    }),
  };
}

export type ShipperMetrics = ReturnType<typeof createShipperMetrics>;
