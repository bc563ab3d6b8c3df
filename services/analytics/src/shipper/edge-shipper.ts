import { setTimeout as sleep } from 'node:timers/promises';
import type { EdgeRequestRecord } from '@gatehouse/contracts';
import type { DailySalts } from './daily-salt.ts';
import { parseEdgeLogLine } from './edge-log-line.ts';
import { EdgeRecordBuilder } from './edge-record-builder.ts';
import { type LogChunk, type LogFollower, retireFile } from './log-follower.ts';
import type { PositionStore } from './log-position.ts';
import type { RecordSink } from './record-sink.ts';
import type { ShipperMetrics } from './shipper-metrics.ts';

export interface ShipperLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ShipperDeps {
  follower: Pick<LogFollower, 'start' | 'read' | 'backlog' | 'close'>;
  positions: PositionStore;
  sink: RecordSink;
  salts: DailySalts;
  /** The edge that writes the log (edge-instance.ts): part of every record id. */
  instance: string;
  metrics: ShipperMetrics;
  logger: ShipperLogger;
  /**
   * Wait between reads once the log's end is reached (idle, or caught up after a batch): a busy
   * edge is shipped in batches of this interval, one ack and one checkpoint each.
   */
  pollMs: number;
  /** On stop: keep shipping until the log stayed quiet this long (nginx flushes when it stops)… */
  drainQuietMs: number;
  /** …or this much time passed since the stop. */
  drainTimeoutMs: number;
}

const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5_000;

/**
 * The shipper's loop: read lines → records (hashed) → JetStream → save the position. A batch is
 * retried until JetStream stored all of it (NATS or Redis down = backpressure: the log grows on
 * disk, nginx is never slowed); the position moves only past acknowledged lines. On stop it drains
 * what nginx flushes while stopping, then saves and returns.
 */
export class EdgeShipper {
  readonly #deps: ShipperDeps;
  readonly #builder: EdgeRecordBuilder;
  readonly #stop = new AbortController();
  #stoppedAt: number | undefined;
  #shippedOnce = false;

  constructor(deps: ShipperDeps) {
    this.#deps = deps;
    this.#builder = new EdgeRecordBuilder(deps.salts, deps.instance);
  }

  stop(): void {
    this.#stoppedAt ??= Date.now();
    this.#stop.abort();
  }

  async run(): Promise<void> {
    const { follower, positions, metrics, logger } = this.#deps;
    await follower.start(await positions.load());
    let quietSince: number | undefined;
    try {
      while (true) {
        const chunk = await follower.read();
        metrics.backlogBytes.set(await follower.backlog());
        if (chunk) {
          quietSince = undefined;
          if (!(await this.#ship(chunk))) return;
          // Caught up: let the next records gather for a poll interval rather than shipping each of
          // nginx's buffer flushes on its own (an ack, a checkpoint, reads and stats per batch).
          if (chunk.atEnd && this.#stoppedAt === undefined) await this.#pause();
          continue;
        }
        if (this.#stoppedAt !== undefined) {
          quietSince ??= Date.now();
          if (Date.now() - quietSince >= this.#deps.drainQuietMs) return;
          if (Date.now() - this.#stoppedAt >= this.#deps.drainTimeoutMs) return;
          await sleep(this.#deps.pollMs);
        } else {
          await this.#pause();
        }
      }
    } finally {
      const unshipped = await follower.backlog().catch(() => -1);
      if (unshipped !== 0)
        logger.warn({ unshippedBytes: unshipped }, 'shipper stopped with unshipped log bytes');
      await follower.close();
    }
  }

  async #pause(): Promise<void> {
    await sleep(this.#deps.pollMs, undefined, { signal: this.#stop.signal }).catch(() => undefined);
  }

  /** One chunk: build, publish until stored, save. False when the stop deadline cut it short. */
  async #ship(chunk: LogChunk): Promise<boolean> {
    const { positions, sink, metrics, logger } = this.#deps;
    let delay = RETRY_MIN_MS;
    let records: EdgeRequestRecord[] | undefined;
    // The first batch after a start may repeat what a killed shipper had sent, and a retry may
    // repeat itself: those get an ack per record (exact duplicate counts); others one per batch.
    let acknowledgeEach = !this.#shippedOnce;
    while (true) {
      try {
        records ??= await this.#records(chunk.lines);
        if (records.length > 0) {
          const { stored, duplicates } = await sink.publish(records, { acknowledgeEach });
          metrics.shipped.inc({ result: 'stored' }, stored);
          if (duplicates > 0) metrics.shipped.inc({ result: 'duplicate' }, duplicates);
        }
        await positions.save(chunk.end);
        if (chunk.retire) await retireFile(chunk.retire);
        if (records.length > 0) this.#shippedOnce = true;
        return true;
      } catch (error) {
        acknowledgeEach = true;
        metrics.publishFailures.inc();
        logger.warn({ err: error, retryInMs: delay }, 'edge records not shipped; retrying the batch');
        if (this.#stoppedAt !== undefined && Date.now() - this.#stoppedAt >= this.#deps.drainTimeoutMs) {
          logger.error(
            { lines: chunk.lines.length },
            'stopping with a batch unshipped; it is re-read at restart',
          );
          return false;
        }
        await sleep(delay);
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    }
  }

  async #records(lines: readonly string[]): Promise<EdgeRequestRecord[]> {
    const { metrics, logger } = this.#deps;
    const records: EdgeRequestRecord[] = [];
    const skipped: { reason: string; length: number }[] = [];
    for (const text of lines) {
      const parsed = parseEdgeLogLine(text);
      // Synchronous per line (no promise per record) but for the first line of a new day.
      let built = parsed.ok ? this.#builder.build(parsed.line) : parsed;
      if (built instanceof Promise) built = await built;
      if (built.ok) records.push(built.record);
      else skipped.push({ reason: built.reason, length: text.length });
    }
    // Counted once the whole chunk is built (a salt-store failure midway retries the chunk).
    for (const line of skipped) {
      metrics.unparseable.inc({ reason: line.reason });
      // The line may hold an address: log its reason and length, never its text.
      logger.warn(line, 'edge log line skipped');
    }
    return records;
  }
}
