import { EdgeRequestRecord, edgeRequestSubject } from '@gatehouse/contracts';
import {
  AckPolicy,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { Compile } from 'typebox/compile';
import { type AppOf, type Observation, observationOf } from '../domain/sharing/sharing-observation.ts';
import type { createSharingBatchRepository, SharingBatchResult } from './sharing-batch.repository.ts';

export interface SharingConsumerOptions {
  js: JetStreamClient;
  jsm: JetStreamManager;
  stream: string;
  /** Subject filter (tests use their own stream and subject); `ghedge.request.v1` by default. */
  subject?: string;
  /** Its own durable name: independent of the download counter's position in the stream. */
  durable: string;
  batches: ReturnType<typeof createSharingBatchRepository>;
  appOf: AppOf;
  batchSize: number;
  logger: { warn(object: object, message: string): void; error(object: object, message: string): void };
  /** After each committed batch (wakes the reset executor and the outbox relay). */
  onApplied?: (result: SharingBatchResult) => void;
}

const nanos = (ms: number) => ms * 1_000_000;
const validRecord = Compile(EdgeRequestRecord);
const decoder = new TextDecoder();

/** The record in a message, or undefined when it breaks the contract. */
function recordOf(data: Uint8Array): EdgeRequestRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(data));
  } catch {
    return undefined;
  }
  return validRecord.Check(value) ? value : undefined;
}

/**
 * The sharing detector's durable pull consumer on GH_EDGE. One batch is in flight at a time
 * (`max_ack_pending` = batch size), so records are applied in stream order; each batch commits
 * with the stream sequence it reached (sharing-batch.repository.ts), and only then is it acked.
 * A crash before the commit redelivers the batch; a crash after it redelivers messages at or below
 * the stored sequence, which are acked without effect: every record counts exactly once.
 */
export function createSharingConsumer(options: SharingConsumerOptions) {
  const { js, jsm, stream, durable } = options;
  let stopped = false;
  let loop: Promise<void> | undefined;
  let current: { close(): Promise<unknown> } | undefined;
  const counts = { batches: 0, records: 0, invalid: 0, alerts: 0 };

  async function ensureConsumer() {
    const config = {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: options.subject ?? edgeRequestSubject,
      max_ack_pending: options.batchSize,
      ack_wait: nanos(30_000),
    };
    try {
      await jsm.consumers.info(stream, durable);
      await jsm.consumers.update(stream, durable, {
        max_ack_pending: config.max_ack_pending,
        ack_wait: config.ack_wait,
      });
    } catch (error) {
      if (!(error instanceof Error) || !/consumer not found/i.test(error.message)) throw error;
      await jsm.consumers.add(stream, config);
    }
  }

  function observationsOf(messages: readonly JsMsg[]) {
    const observations: (Observation & { seq: bigint })[] = [];
    for (const msg of messages) {
      const record = recordOf(msg.data);
      if (!record) {
        // A record that breaks the contract cannot become valid by redelivery: skip it, count it.
        counts.invalid += 1;
        options.logger.warn({ seq: msg.seq }, 'sharing: invalid edge record skipped');
        continue;
      }
      const observation = observationOf(record, options.appOf);
      if (observation) observations.push({ ...observation, seq: BigInt(msg.seq) });
    }
    return observations;
  }

  /**
   * Applies a batch, retrying it in place until it commits (Postgres down, a lock timeout): a failed
   * batch is never handed back with a nak, because the server could then deliver later records
   * first, commit them, and move the stored sequence past the failed ones. While retrying, the
   * messages' ack deadline is kept alive; on stop they stay unacked and come back to the next run.
   */
  async function runBatch(messages: JsMsg[]) {
    messages.sort((a, b) => a.seq - b.seq);
    const lastSeq = BigInt(messages.at(-1)!.seq);
    const observations = observationsOf(messages);
    for (let attempt = 1; !stopped; attempt++) {
      try {
        const result = await options.batches.apply(observations, lastSeq);
        for (const msg of messages) msg.ack();
        counts.batches += 1;
        counts.records += messages.length;
        counts.alerts += result.alerts.length;
        options.onApplied?.(result);
        return;
      } catch (error) {
        options.logger.error(
          { err: error, lastSeq: String(lastSeq), attempt },
          'sharing: batch failed, retrying',
        );
        for (const msg of messages) msg.working();
        await new Promise((resolve) => setTimeout(resolve, Math.min(250 * attempt, 5_000)));
      }
    }
  }

  /**
   * Reads the pull subscription into a queue and applies what has arrived as one batch: a batch is
   * whatever is buffered when the previous one committed (at most `batchSize`, the consumer's
   * `max_ack_pending`), so a lone record is applied at once and a flood in large transactions.
   */
  async function drain(messages: AsyncIterable<JsMsg>) {
    const queue: JsMsg[] = [];
    let wake: (() => void) | undefined;
    let ended = false;
    const reader = (async () => {
      try {
        for await (const msg of messages) {
          queue.push(msg);
          wake?.();
        }
      } finally {
        ended = true;
        wake?.();
      }
    })();
    while (!stopped) {
      if (queue.length === 0) {
        if (ended) break;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
        // Let the messages already buffered by the client join this batch.
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      await runBatch(queue.splice(0, options.batchSize));
    }
    await reader;
  }

  async function run() {
    while (!stopped) {
      try {
        const consumer = await js.consumers.get(stream, durable);
        const messages = await consumer.consume({ max_messages: options.batchSize });
        current = messages;
        await drain(messages);
      } catch (error) {
        if (stopped) break;
        options.logger.warn({ err: error }, 'sharing: consumer loop failed, restarting');
        await new Promise((resolve) => setTimeout(resolve, 500));
        await ensureConsumer().catch(() => {});
      }
    }
  }

  return {
    counts,
    async start() {
      await ensureConsumer();
      loop = run();
    },
    async stop() {
      stopped = true;
      await current?.close();
      await loop;
    },
  };
}

export type SharingConsumer = ReturnType<typeof createSharingConsumer>;
