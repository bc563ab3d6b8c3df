import { type EdgeRequestRecord, edgeRequestSubject } from '@gatehouse/contracts';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { RecordSink } from './record-sink.ts';

const encoder = new TextEncoder();

/**
 * Records arrive validated against the contract (edge-record-builder.ts). Publishes a batch concurrently, each with `Nats-Msg-Id` = the record id (JetStream dedupe).
 * `subject` is the contract's; tests publish under their own so they never touch GH_EDGE.
 */
export class JetStreamRecordSink implements RecordSink {
  readonly #js: JetStreamClient;
  readonly #subject: string;
  readonly #timeoutMs: number;

  constructor(js: JetStreamClient, options: { subject?: string; timeoutMs?: number } = {}) {
    this.#js = js;
    this.#subject = options.subject ?? edgeRequestSubject;
    this.#timeoutMs = options.timeoutMs ?? 5_000;
  }

  async publish(records: readonly EdgeRequestRecord[]) {
    const acks = await Promise.allSettled(
      records.map((record) =>
        this.#js.publish(this.#subject, encoder.encode(JSON.stringify(record)), {
          msgID: record.id,
          timeout: this.#timeoutMs,
        }),
      ),
    );
    let duplicates = 0;
    for (const ack of acks) {
      if (ack.status === 'rejected') throw ack.reason;
      if (ack.value.duplicate) duplicates++;
    }
    return { stored: records.length - duplicates, duplicates };
  }
}
