import { type EdgeRequestRecord, edgeRequestSubject } from '@gatehouse/contracts';
import type { JetStreamClient } from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import type { RecordSink } from './record-sink.ts';

const SLAB_BYTES = 1 << 20;

/**
 * Record payloads are written into shared slabs instead of a fresh array per record (fewer
 * allocations, and `Buffer.write` is cheaper than `TextEncoder`). A slab region is never written
 * twice: the NATS client may still hold a payload in its outbound queue.
 */
class PayloadSlabs {
  #slab = Buffer.allocUnsafe(0);
  #used = 0;

  encode(record: EdgeRequestRecord): Buffer {
    const text = JSON.stringify(record);
    const most = text.length * 3; // UTF-8 bytes of a UTF-16 code unit
    if (this.#used + most > this.#slab.length) {
      this.#slab = Buffer.allocUnsafe(Math.max(SLAB_BYTES, most));
      this.#used = 0;
    }
    const start = this.#used;
    this.#used += this.#slab.write(text, start, 'utf8');
    return this.#slab.subarray(start, this.#used);
  }
}

/**
 * Publishes records (validated by edge-record-builder.ts) with `Nats-Msg-Id` = the record id.
 *
 * Per-message acks cost the client ~90 µs of CPU each (measured, bench/edge-records.bench.ts), more
 * than nginx spends on a tiny range. So a fresh batch goes out as plain NATS publishes (headers
 * carry the dedupe id, no reply inbox) followed by ONE acknowledged publish of its last record:
 * one connection delivers in order and JetStream stores in order, so that ack means the server
 * processed every record before it — unless the connection dropped meanwhile (records written
 * before a disconnect may be lost), which the status stream tells: then the batch fails and the
 * shipper retries it with an ack per record (dedupe drops what was stored). `subject` is the
 * contract's; tests publish under their own so they never touch GH_EDGE.
 */
export class JetStreamRecordSink implements RecordSink {
  readonly #nc: NatsConnection;
  readonly #js: JetStreamClient;
  readonly #subject: string;
  readonly #timeoutMs: number;
  readonly #payloads = new PayloadSlabs();
  /** Bumped on every disconnect/reconnect: a batch spanning one is not trusted. */
  #connectionEpoch = 0;

  constructor(
    nc: NatsConnection,
    js: JetStreamClient,
    options: { subject?: string; timeoutMs?: number } = {},
  ) {
    this.#nc = nc;
    this.#js = js;
    this.#subject = options.subject ?? edgeRequestSubject;
    this.#timeoutMs = options.timeoutMs ?? 5_000;
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'disconnect' || status.type === 'reconnect') this.#connectionEpoch++;
      }
    })();
  }

  async publish(records: readonly EdgeRequestRecord[], options: { acknowledgeEach: boolean }) {
    if (records.length === 0) return { stored: 0, duplicates: 0 };
    return options.acknowledgeEach ? this.#eachAcknowledged(records) : this.#lastAcknowledged(records);
  }

  async #eachAcknowledged(records: readonly EdgeRequestRecord[]) {
    const acks = await Promise.allSettled(records.map((record) => this.#acknowledged(record)));
    let duplicates = 0;
    for (const ack of acks) {
      if (ack.status === 'rejected') throw ack.reason;
      if (ack.value.duplicate) duplicates++;
    }
    return { stored: records.length - duplicates, duplicates };
  }

  async #lastAcknowledged(records: readonly EdgeRequestRecord[]) {
    const epoch = this.#connectionEpoch;
    for (let i = 0; i < records.length - 1; i++) {
      const record = records[i] as EdgeRequestRecord;
      const h = headers();
      h.set('Nats-Msg-Id', record.id);
      this.#nc.publish(this.#subject, this.#payloads.encode(record), { headers: h });
    }
    const last = await this.#acknowledged(records[records.length - 1] as EdgeRequestRecord);
    if (epoch !== this.#connectionEpoch) throw new Error('NATS connection interrupted during the batch');
    const duplicates = last.duplicate ? 1 : 0;
    return { stored: records.length - duplicates, duplicates };
  }

  #acknowledged(record: EdgeRequestRecord) {
    return this.#js.publish(this.#subject, this.#payloads.encode(record), {
      msgID: record.id,
      timeout: this.#timeoutMs,
    });
  }
}
