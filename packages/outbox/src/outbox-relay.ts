import type { PrismaClient } from '@gatehouse/db';
import type { JetStreamClient } from '@nats-io/jetstream';

/**
 * The transactional-outbox relay: moves committed `outbox_messages` rows to JetStream.
 *
 * - A row is claimed with `FOR UPDATE SKIP LOCKED` inside a short transaction that also holds it
 *   while it is published, so several replicas can run the relay without publishing a row twice
 *   at the same time (a second publish after a crash is harmless: `Nats-Msg-Id` = msgId dedupes
 *   within the stream's window, and consumers are idempotent by version beyond it).
 * - A row is marked published only after JetStream acknowledged it. A failed publish (NATS down,
 *   no stream, timeout) leaves it unpublished with `attempts`, `last_error` and a backed-off
 *   `next_attempt_at`; the relay keeps retrying forever — nothing is dropped.
 * - It is woken right after a commit (`notify()`), by a periodic sweep, and on NATS reconnect
 *   (backoffs are cut short so a recovered NATS drains at once).
 */
export interface OutboxLogger {
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface OutboxRelayOptions {
  prisma: PrismaClient;
  js: JetStreamClient;
  logger?: OutboxLogger;
  /** Rows per claim transaction; published concurrently. */
  batchSize?: number;
  /** The sweep: how often the relay looks even without a notify. */
  sweepIntervalMs?: number;
  /** How long one publish waits for the JetStream ack. */
  publishTimeoutMs?: number;
  /** Delay before the retry of a row that failed `attempts` times. */
  backoffMs?: (attempts: number) => number;
  /** Connection status to watch: a reconnect retries waiting rows at once. */
  status?: AsyncIterable<{ type: string }>;
}

export interface OutboxRelay {
  start(): void;
  /** Wakes the relay now (call after committing a transaction that enqueued events). */
  notify(): void;
  /** Makes every waiting row due now and wakes the relay (after NATS came back). */
  retryNow(): Promise<void>;
  /** One claim-and-publish round; returns how many rows were published. For tests and the loop. */
  drainOnce(): Promise<number>;
  /** Stops the loop after the round in flight. */
  stop(): Promise<void>;
}

interface ClaimedRow {
  id: string;
  subject: string;
  msg_id: string;
  payload: unknown;
  attempts: number;
}

export const defaultBackoffMs = (attempts: number) => Math.min(100 * 2 ** Math.max(0, attempts - 1), 5000);

export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { prisma, js } = options;
  const batchSize = options.batchSize ?? 100;
  const sweepIntervalMs = options.sweepIntervalMs ?? 1000;
  const publishTimeoutMs = options.publishTimeoutMs ?? 2000;
  const backoffMs = options.backoffMs ?? defaultBackoffMs;
  const encoder = new TextEncoder();

  let running = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let pendingWake = false;

  async function drainOnce(): Promise<number> {
    return prisma.$transaction(
      async (tx) => {
        const rows = await tx.$queryRaw<ClaimedRow[]>`
          SELECT id, subject, msg_id, payload, attempts
          FROM outbox_messages
          WHERE published_at IS NULL AND next_attempt_at <= now()
          ORDER BY next_attempt_at, id
          LIMIT ${batchSize}
          FOR UPDATE SKIP LOCKED`;
        if (rows.length === 0) return 0;
        const results = await Promise.allSettled(
          rows.map((row) =>
            js.publish(row.subject, encoder.encode(JSON.stringify(row.payload)), {
              msgID: row.msg_id,
              timeout: publishTimeoutMs,
            }),
          ),
        );
        const published: string[] = [];
        for (let i = 0; i < rows.length; i++) {
          const row = rows[i]!;
          const result = results[i]!;
          if (result.status === 'fulfilled') {
            published.push(row.id);
            continue;
          }
          const reason = result.reason instanceof Error ? result.reason.message : String(result.reason);
          const delay = backoffMs(row.attempts + 1);
          await tx.$executeRaw`
            UPDATE outbox_messages
            SET attempts = attempts + 1, last_error = ${reason.slice(0, 500)},
                next_attempt_at = now() + make_interval(secs => ${delay / 1000})
            WHERE id = ${row.id}::uuid`;
        }
        if (published.length > 0) {
          await tx.$executeRaw`
            UPDATE outbox_messages SET published_at = now(), attempts = attempts + 1, last_error = NULL
            WHERE id = ANY(${published}::uuid[])`;
        }
        if (published.length < rows.length) {
          options.logger?.warn(
            { failed: rows.length - published.length, published: published.length },
            'outbox: publish failed, will retry',
          );
        }
        return published.length;
      },
      { timeout: publishTimeoutMs * 2 + 10_000, maxWait: 10_000 },
    );
  }

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (pendingWake) {
        pendingWake = false;
        resolve();
        return;
      }
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  async function run() {
    while (running) {
      let published = 0;
      let failed = false;
      try {
        published = await drainOnce();
      } catch (error) {
        failed = true;
        options.logger?.error({ err: error }, 'outbox: relay round failed (database?)');
      }
      if (!running) break;
      // A full batch means more may be waiting: go again at once.
      if (!failed && published >= batchSize) continue;
      await sleep(sweepIntervalMs);
    }
  }

  async function watchStatus(status: AsyncIterable<{ type: string }>) {
    for await (const event of status) {
      if (!running) break;
      if (event.type === 'reconnect') {
        await relay
          .retryNow()
          .catch((error: unknown) => options.logger?.warn({ err: error }, 'outbox: retryNow failed'));
      }
    }
  }

  const relay: OutboxRelay = {
    start() {
      if (running) return;
      running = true;
      loop = run();
      if (options.status) void watchStatus(options.status);
    },
    notify() {
      if (wake) wake();
      else pendingWake = true;
    },
    async retryNow() {
      await prisma.$executeRaw`
        UPDATE outbox_messages SET next_attempt_at = now()
        WHERE published_at IS NULL AND next_attempt_at > now()`;
      relay.notify();
    },
    drainOnce,
    async stop() {
      running = false;
      relay.notify();
      await loop;
    },
  };
  return relay;
}
