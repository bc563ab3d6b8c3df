import type { VersionedStore } from '@gatehouse/access-cache';
import {
  deadLetterSubject,
  decodeEvent,
  type Invalidation,
  InvalidEventError,
  invalidationSubject,
  isSubject,
  streams,
} from '@gatehouse/contracts';
import {
  AckPolicy,
  type ConsumerConfig,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import { recordOf } from './event-records.ts';

/**
 * The auth projector: a durable JetStream pull consumer on `gh.access.>` and `gh.media.>` that turns
 * events into the Redis validity cache and tells every auth replica to drop what it holds.
 *
 * Per message: decode (an invalid payload is dead-lettered at once) → `putIfNewer` (idempotent,
 * ordered per record by version: replays and reordering never move a record back) → broadcast the
 * key on `invalidationSubject` (core NATS; every replica, this one included, drops it) → ack.
 *
 * Failures: while Redis is unreachable the message is held (kept alive with `working()`) and the
 * write retried until Redis answers — an outage must not burn deliveries and dead-letter good
 * events. Any other failure is nak'ed with the backoff; after `maxDeliver` deliveries the message
 * goes to `deadLetterSubject(durable, subject)` and is terminated.
 */
export interface ProjectorLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface ProjectorOptions {
  nats: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  store: VersionedStore;
  /** True while the Redis connection is usable (ioredis `status === 'ready'`). */
  redisReady: () => boolean;
  logger: ProjectorLogger;
  /** Identifies this replica in invalidation messages. */
  replicaId: string;
  durableName?: string;
  streamName?: string;
  /** Delays between deliveries; `maxDeliver` must exceed its length. */
  backoffMs?: number[];
  maxDeliver?: number;
  /** `all` for production (a new durable rebuilds Redis from the stream), `new` in tests. */
  deliverPolicy?: 'all' | 'new';
}

export interface AccessProjector {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Messages handled so far by outcome (tests, metrics). */
  readonly counts: Readonly<Record<'written' | 'unchanged' | 'deadLettered' | 'retried', number>>;
}

export const PROJECTOR_FILTERS = ['gh.access.>', 'gh.media.>'];
const nanos = (ms: number) => ms * 1_000_000;

/** Errors that mean "Redis is not reachable right now" rather than "this write is wrong". */
function isConnectionError(error: unknown): boolean {
  const message = error instanceof Error ? `${error.name} ${error.message}` : String(error);
  return /Connection is closed|Stream isn't writeable|enableOfflineQueue|MaxRetriesPerRequest|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|LOADING|connect/i.test(
    message,
  );
}

export function createAccessProjector(options: ProjectorOptions): AccessProjector {
  const durable = options.durableName ?? 'auth-projector';
  const stream = options.streamName ?? streams.events.name;
  const backoffMs = options.backoffMs ?? [500, 2000, 5000, 15_000, 30_000];
  const maxDeliver = options.maxDeliver ?? backoffMs.length + 1;
  const counts = { written: 0, unchanged: 0, deadLettered: 0, retried: 0 };
  const encoder = new TextEncoder();
  let stopped = false;
  let loop: Promise<void> | undefined;
  let current: { close(): Promise<unknown> } | undefined;

  async function ensureConsumer() {
    const config: Partial<ConsumerConfig> & { durable_name: string } = {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      filter_subjects: PROJECTOR_FILTERS,
      max_deliver: maxDeliver,
      backoff: backoffMs.map(nanos),
      ack_wait: nanos(backoffMs[0] ?? 30_000),
      max_ack_pending: 1000,
      deliver_policy: options.deliverPolicy === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
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

  function broadcast(keys: string[]) {
    const message: Invalidation = { keys, origin: options.replicaId };
    options.nats.publish(invalidationSubject, encoder.encode(JSON.stringify(message)));
  }

  async function deadLetter(msg: JsMsg, reason: string) {
    const h = headers();
    h.set('Gh-Dlq-Reason', reason.slice(0, 200));
    h.set('Gh-Dlq-Stream-Seq', String(msg.seq));
    h.set('Gh-Dlq-Deliveries', String(msg.info.deliveryCount));
    await options.js.publish(deadLetterSubject(durable, msg.subject), msg.data, {
      msgID: `dlq:${durable}:${msg.info.stream}:${msg.seq}`,
      headers: h,
    });
    counts.deadLettered++;
    msg.term(reason.slice(0, 100));
  }

  /** Writes, waiting out a Redis outage without spending a delivery. */
  async function write(msg: JsMsg, key: string, record: { version: number }): Promise<boolean> {
    for (;;) {
      if (stopped) throw new Error('projector stopping');
      if (options.redisReady()) {
        try {
          return await options.store.putIfNewer(key, record);
        } catch (error) {
          if (!isConnectionError(error)) throw error;
        }
      }
      msg.working();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async function handle(msg: JsMsg) {
    const subject = msg.subject;
    if (!isSubject(subject)) {
      await deadLetter(msg, `unknown subject ${subject}`);
      return;
    }
    let target: ReturnType<typeof recordOf>;
    try {
      target = recordOf(subject, decodeEvent(subject, msg.data));
    } catch (error) {
      if (error instanceof InvalidEventError) {
        await deadLetter(msg, error.message);
        return;
      }
      throw error;
    }
    try {
      const written = await write(msg, target.key, target.record);
      if (written) counts.written++;
      else counts.unchanged++;
      // A redelivery may follow a write whose broadcast was lost with the connection: say it again.
      if (written || msg.info.deliveryCount > 1) broadcast([target.key]);
      msg.ack();
    } catch (error) {
      if (stopped) return; // redelivered to another replica after ack_wait
      if (msg.info.deliveryCount >= maxDeliver) {
        await deadLetter(msg, error instanceof Error ? error.message : String(error));
        return;
      }
      counts.retried++;
      options.logger.warn({ err: error, subject, seq: msg.seq }, 'projector: write failed, will redeliver');
      msg.nak(backoffMs[Math.min(msg.info.deliveryCount - 1, backoffMs.length - 1)]);
    }
  }

  async function run() {
    while (!stopped) {
      try {
        await ensureConsumer();
        const consumer = await options.js.consumers.get(stream, durable);
        const messages = await consumer.consume({ max_messages: 256 });
        current = messages;
        for await (const msg of messages) {
          if (stopped) break;
          try {
            await handle(msg);
          } catch (error) {
            // Dead-lettering itself failed (NATS gone): leave the message unacked; it comes back.
            options.logger.error({ err: error, seq: msg.seq }, 'projector: message left for redelivery');
          }
        }
      } catch (error) {
        if (stopped) break;
        options.logger.warn({ err: error }, 'projector: consumer loop failed, restarting');
        await new Promise((resolve) => setTimeout(resolve, 500));
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
