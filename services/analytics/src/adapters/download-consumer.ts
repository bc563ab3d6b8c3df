import { EdgeRequestRecord, edgeRecordsStream, edgeRequestSubject } from '@gatehouse/contracts';
import type { Logger } from '@gatehouse/logging';
import type {
  Consumer,
  ConsumerMessages,
  JetStreamClient,
  JetStreamManager,
  JsMsg,
} from '@nats-io/jetstream';
import { Compile } from 'typebox/compile';
import type { AppliedBatch, ListenBatchStore, SequencedRecord } from './listen-batch.store.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface DownloadConsumerOptions {
  js: JetStreamClient;
  jsm: JetStreamManager;
  store: Pick<ListenBatchStore, 'apply' | 'cursor'>;
  logger: Logger;
  /**
   * The counter's name: its cursor row in `analytics_cursors`. A durable JetStream consumer of
   * this name (what the counter used before it read in order from its cursor) is deleted at start.
   */
  durable: string;
  /** Records per transaction at most; also what one pull asks JetStream for. */
  batchSize: number;
  stream?: string;
  subject?: string;
  /** Called after every committed batch (metrics, tests, the benchmark). */
  onBatch?: (batch: AppliedBatch & { size: number }) => void;
}

export interface DownloadConsumer {
  start(): Promise<void>;
  stop(): Promise<void>;
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
 * Reads the stream in order from one start sequence with an ordered consumer (ephemeral, no acks:
 * the client checks the delivery sequence and recreates it after a gap, so records arrive in stream
 * order, each once). Pulls of up to `batchSize` records are decoded as they arrive
 * into `queue`; the next pull starts only while fewer than `batchSize` wait, so at most about two
 * batches are in memory and the next one is on its way while the current one commits.
 */
function orderedReader(options: { consumer: Consumer; batchSize: number; logger: Logger }) {
  const queue: SequencedRecord[] = [];
  let failed: unknown;
  let closed = false;
  let pull: ConsumerMessages | undefined;
  let wakeTaker: (() => void) | undefined;
  let wakeReader: (() => void) | undefined;

  const done = (async () => {
    while (!closed) {
      if (queue.length >= options.batchSize) {
        await new Promise<void>((resolve) => (wakeReader = resolve));
        continue;
      }
      // By count (the client takes max_messages or max_bytes, not both): the contract caps a
      // record's fields, so a batch stays within a few MB.
      pull = await options.consumer.fetch({ max_messages: options.batchSize, expires: 5_000 });
      for await (const msg of pull) {
        queue.push(decode(msg, options.logger));
        wakeTaker?.();
      }
    }
  })().catch((error: unknown) => {
    failed = error;
  });
  void done.finally(() => wakeTaker?.());
  let closing: Promise<void> | undefined;

  return {
    /** Up to `max` records in stream order; waits up to `waitMs` for the first. Throws once the reader failed and nothing is left. */
    async take(max: number, waitMs: number): Promise<SequencedRecord[]> {
      if (queue.length === 0 && failed === undefined && !closed) {
        await Promise.race([new Promise<void>((resolve) => (wakeTaker = resolve)), sleep(waitMs)]);
        wakeTaker = undefined;
        // Woken by the first record of a burst: let the rest of the socket read arrive first, so a
        // trickle makes batches of what came together rather than one transaction per record.
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (queue.length === 0 && failed !== undefined) throw failed;
      const taken = queue.splice(0, max);
      wakeReader?.();
      return taken;
    },
    close(): Promise<void> {
      closing ??= (async () => {
        closed = true;
        wakeReader?.();
        await pull?.close().catch(() => undefined);
        await done;
        // Ephemeral anyway (JetStream drops it when idle); deleting it frees the server at once.
        await options.consumer.delete().catch(() => undefined);
      })();
      return closing;
    },
  };
}

/**
 * The download counter. Postgres holds where counting stands (`analytics_cursors`, moved in the
 * same transaction as the counts), so the stream is read in order from the record after it: on
 * start, and again after any NATS failure (reconnect, server restart) or database outage. Each
 * batch is applied in one transaction with its last stream sequence; one the database refuses is
 * retried until it commits, and records at or below the cursor (another replica, a restart) are
 * skipped — exact counts however the process, NATS or Postgres fail, with no acks to send and no
 * redelivery to wait for. Counting follows stream order, which is what makes a replay give the
 * same numbers.
 */
export function createDownloadConsumer(options: DownloadConsumerOptions): DownloadConsumer {
  const stream = options.stream ?? edgeRecordsStream.name;
  const subject = options.subject ?? edgeRequestSubject;
  const { logger, durable, batchSize } = options;
  let stopped = false;
  let loop: Promise<void> | undefined;
  let reader: ReturnType<typeof orderedReader> | undefined;

  /** Commits a batch, waiting out a database outage (the records stay in memory meanwhile). */
  async function applyUntilCommitted(batch: SequencedRecord[]): Promise<AppliedBatch | undefined> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await options.store.apply(batch);
      } catch (error) {
        if (stopped) return undefined;
        logger.warn(
          { err: error, attempt, firstSeq: batch[0]?.seq },
          'analytics: batch not applied, retrying',
        );
        await sleep(Math.min(5_000, 100 * 2 ** Math.min(attempt, 6)));
      }
    }
  }

  /** One pass: from the stored cursor until a failure (then the caller starts over from the cursor). */
  async function readFromCursor(known?: number) {
    const from = known ?? (await options.store.cursor());
    const consumer = await options.js.consumers.get(stream, {
      filter_subjects: [subject],
      opt_start_seq: from + 1,
    });
    reader = orderedReader({ consumer, batchSize, logger });
    try {
      while (!stopped) {
        const batch = await reader.take(batchSize, 1_000);
        if (batch.length === 0) continue;
        const applied = await applyUntilCommitted(batch);
        if (!applied) return; // stopping: not committed, read again from the cursor next time
        options.onBatch?.({ ...applied, size: batch.length });
      }
    } finally {
      await reader.close();
    }
  }

  async function run(first: number) {
    let known: number | undefined = first;
    while (!stopped) {
      try {
        const from = known;
        known = undefined;
        await readFromCursor(from);
      } catch (error) {
        if (stopped) break;
        logger.warn({ err: error }, 'analytics: download counter failed, reading again from its cursor');
        await sleep(500);
      }
    }
  }

  /** The durable consumer older versions counted with: nothing reads it any more. */
  async function dropOldDurable() {
    await options.jsm.consumers.delete(stream, durable).catch((error: unknown) => {
      if (!(error instanceof Error) || !/consumer not found/i.test(error.message)) throw error;
    });
  }

  return {
    /** Resolves once the cursor is read (Postgres reachable, a pool connection open); counting runs on. */
    async start() {
      await dropOldDurable();
      loop = run(await options.store.cursor());
    },
    async stop() {
      stopped = true;
      await reader?.close();
      await loop;
    },
  };
}
