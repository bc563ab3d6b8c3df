import type { Invalidatable } from './invalidation-listener.ts';

/**
 * Keeps the in-process caches honest when the channels that keep them fresh break:
 *
 * - NATS lost: invalidations may be missed → flush everything now, and keep flushing every
 *   `degradedMaxAgeMs` until NATS is back (entries live at most that long); flush once more on
 *   reconnect (messages sent while we were away are gone).
 * - Redis lost: flush the answer cache (`onRedisLost` targets), so nothing read before the outage
 *   outlives it; what may still be served during the outage is decided by the Redis outage policy
 *   (stale-grace source, fail closed by default). Flush again when Redis is back: it may have
 *   restarted empty or older.
 */
export interface RedisLike {
  on(event: 'ready' | 'close' | 'end' | 'error', listener: (...args: unknown[]) => void): unknown;
  off(event: 'ready' | 'close' | 'end' | 'error', listener: (...args: unknown[]) => void): unknown;
}

export interface ConnectionGuardOptions {
  natsStatus: AsyncIterable<{ type: string }>;
  redis: RedisLike;
  /** Flushed on NATS loss (everything that relies on invalidations). */
  onNatsLost: readonly Invalidatable[];
  /** Flushed on Redis loss. */
  onRedisLost: readonly Invalidatable[];
  degradedMaxAgeMs: number;
  log?: (message: string) => void;
}

export interface ConnectionGuard {
  readonly degraded: ReadonlySet<'nats' | 'redis'>;
  stop(): void;
}

export function guardConnections(options: ConnectionGuardOptions): ConnectionGuard {
  const degraded = new Set<'nats' | 'redis'>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const targets = () => [
    ...new Set([
      ...(degraded.has('nats') ? options.onNatsLost : []),
      ...(degraded.has('redis') ? options.onRedisLost : []),
    ]),
  ];
  const flush = (list: readonly Invalidatable[]) => {
    for (const target of list) target.flush();
  };
  const refreshTimer = () => {
    if (degraded.size > 0 && !timer) {
      timer = setInterval(() => flush(targets()), options.degradedMaxAgeMs);
      timer.unref();
    } else if (degraded.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
  const lost = (part: 'nats' | 'redis') => {
    if (stopped) return;
    if (!degraded.has(part))
      options.log?.(`${part} connection lost: in-process caches flushed, short-lived until it is back`);
    degraded.add(part);
    flush(part === 'nats' ? options.onNatsLost : options.onRedisLost);
    refreshTimer();
  };
  const back = (part: 'nats' | 'redis') => {
    if (stopped || !degraded.has(part)) return;
    degraded.delete(part);
    flush(part === 'nats' ? options.onNatsLost : options.onRedisLost);
    options.log?.(`${part} connection back: in-process caches flushed`);
    refreshTimer();
  };

  const onRedisDown = () => lost('redis');
  const onRedisReady = () => back('redis');
  options.redis.on('close', onRedisDown);
  options.redis.on('end', onRedisDown);
  options.redis.on('ready', onRedisReady);

  void (async () => {
    for await (const status of options.natsStatus) {
      if (stopped) break;
      if (status.type === 'disconnect' || status.type === 'staleConnection') lost('nats');
      else if (status.type === 'reconnect') back('nats');
    }
  })();

  return {
    degraded,
    stop() {
      stopped = true;
      options.redis.off('close', onRedisDown);
      options.redis.off('end', onRedisDown);
      options.redis.off('ready', onRedisReady);
      if (timer) clearInterval(timer);
    },
  };
}
