import { EdgeRequestRecord, edgeRecordsStream, edgeRequestSubject } from '@gatehouse/contracts';
import type { Logger } from '@gatehouse/logging';
import {
  AckPolicy,
  type ConsumerConfig,
  type ConsumerMessages,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { Compile } from 'typebox/compile';
import type { AppliedBatch, ListenBatchStore, SequencedRecord } from './listen-batch.store.ts';

const nanos = (ms: number) => ms * 1_000_000;
/** A consume() that ended (consumer deleted, connection closed) resolves `closed()` at once. */
const isClosed = (messages: ConsumerMessages) =>
  Promise.race([messages.closed().then(() => true), sleep(0).then(() => false)]);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface DownloadConsumerOptions {
  js: JetStreamClient;
  jsm: JetStreamManager;
  store: ListenBatchStore;
  logger: Logger;
  durable: string;
  /** Records per pull and per transaction; also the consumer's max_ack_pending. */
  batchSize: number;
  /** How long JetStream waits for an ack before it redelivers (a consumer killed mid-batch). */
  ackWaitMs?: number;
  stream?: string;
  subject?: string;
  /** Called after every committed batch (metrics, tests, the benchmark). */
  onBatch?: (batch: AppliedBatch & { size: number }) => void;
}

export interface DownloadConsumer {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Messages the durable consumer has not delivered yet plus those delivered and not acked. */
  backlog(): Promise<number>;
}

const recordSchema = Compile(EdgeRequestRecord);
const utf8 = new TextDecoder();

function decode(msg: JsMsg, logger: Logger): SequencedRecord {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(msg.data));
  } catch {
    value = undefined;
  }
  if (recordSchema.Check(value)) return { seq: msg.seq, record: value };
  // Counted as invalid and skipped: a bad record must not stop counting (it stays in the stream to inspect).
  logger.warn({ seq: msg.seq }, 'analytics: invalid edge record skipped');
  return { seq: msg.seq, record: null };
}

/**
 * The download counter's durable JetStream pull consumer. `max_ack_pending` equals the batch size,
 * so at most one batch is out at a time and JetStream hands records over in stream order, also
 * when it redelivers a batch whose consumer died: counting follows stream order, which is what
 * makes a replay give the same numbers. Each batch is applied in one Postgres transaction with
 * its last stream sequence, then acked; a batch the database refuses is retried (never acked
 * before it commits), and one already applied is skipped by sequence.
 */
export function createDownloadConsumer(options: DownloadConsumerOptions): DownloadConsumer {
  const stream = options.stream ?? edgeRecordsStream.name;
  const subject = options.subject ?? edgeRequestSubject;
  const ackWaitMs = options.ackWaitMs ?? 30_000;
  const { logger, durable, batchSize } = options;
  let stopped = false;
  let loop: Promise<void> | undefined;
  let current: ConsumerMessages | undefined;

  async function ensureConsumer() {
    const config: Partial<ConsumerConfig> & { durable_name: string } = {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: subject,
      max_ack_pending: batchSize,
      ack_wait: nanos(ackWaitMs),
      max_batch: batchSize,
    };
    try {
      await options.jsm.consumers.info(stream, durable);
      const { deliver_policy: _fixed, durable_name: _name, ...updatable } = config;
      await options.jsm.consumers.update(stream, durable, updatable);
    } catch (error) {
      if (!(error instanceof Error) || !/consumer not found/i.test(error.message)) throw error;
      await options.jsm.consumers.add(stream, config);
    }
  }

  /** Commits a batch, waiting out a database outage; keeps the messages' ack timers from running out meanwhile. */
  async function applyUntilCommitted(
    batch: SequencedRecord[],
    msgs: JsMsg[],
  ): Promise<AppliedBatch | undefined> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await options.store.apply(batch);
      } catch (error) {
        if (stopped) return undefined;
        logger.warn(
          { err: error, attempt, firstSeq: batch[0]?.seq },
          'analytics: batch not applied, retrying',
        );
        for (const msg of msgs) msg.working();
        await sleep(Math.min(5_000, 100 * 2 ** Math.min(attempt, 6)));
      }
    }
  }

  /**
   * Messages arrive through `consume()` into `queue`; the loop takes everything queued (at most
   * max_ack_pending = batchSize, since nothing more is delivered before acks) as one batch. A busy
   * stream gives full batches, a quiet one small batches at once: no waiting for a batch to fill.
   */
  async function run() {
    while (!stopped) {
      try {
        await ensureConsumer();
        const consumer = await options.js.consumers.get(stream, durable);
        const queue: JsMsg[] = [];
        let wake: (() => void) | undefined;
        const messages = await consumer.consume({
          max_messages: batchSize,
          callback: (msg) => {
            queue.push(msg);
            wake?.();
          },
        });
        current = messages;
        const closed = messages.closed().then(() => wake?.());
        while (!stopped) {
          if (queue.length === 0) {
            await Promise.race([new Promise<void>((resolve) => (wake = resolve)), closed, sleep(1_000)]);
            wake = undefined;
            if (queue.length === 0) {
              if (await isClosed(messages)) break;
              continue;
            }
          }
          const msgs = queue.splice(0, queue.length);
          const batch = msgs.map((msg) => decode(msg, logger));
          const applied = await applyUntilCommitted(batch, msgs);
          if (!applied) return; // stopping: the batch stays unacked and comes back
          for (const msg of msgs) msg.ack();
          options.onBatch?.({ ...applied, size: msgs.length });
        }
        await messages.close().catch(() => undefined);
      } catch (error) {
        if (stopped) break;
        logger.warn({ err: error }, 'analytics: download consumer loop failed, restarting');
        await sleep(500);
      }
    }
  }

  return {
    async start() {
      await ensureConsumer();
      loop = run();
    },
    async stop() {
      stopped = true;
      await current?.close().catch(() => undefined);
      await loop;
    },
    async backlog() {
      const info = await options.jsm.consumers.info(stream, durable);
      return info.num_pending + info.num_ack_pending;
    },
  };
}
