import { Redis } from 'ioredis';

/** Where connection errors go once connected (a failure at start is the rejection instead). */
export interface ConnectionLogger {
  warn(object: object, message: string): void;
}

/** How long one connection attempt may take; a reachable Redis on this network answers in ms. */
export const REDIS_CONNECT_TIMEOUT_MS = 2_000;

/**
 * Connects a service's Redis client. At start it fails fast: no retries, and the rejection is one
 * line naming the URL (runMain prints it). Once connected it reconnects with a short backoff
 * (requests meanwhile fail fast instead of queueing) and logs each connection error.
 */
export async function connectRedis(url: string, options: { logger: ConnectionLogger }): Promise<Redis> {
  let connected = false;
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: (attempt: number): number | null => (connected ? Math.min(attempt * 100, 1000) : null),
    // ioredis waits 10 s for a connect by default. When Redis comes back (a replaced pod) an
    // attempt begun while it was gone can hang that long before the next one is made; a Redis
    // on the same network answers a connect in milliseconds, so 2 s loses nothing.
    connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
  });
  // Without a listener ioredis prints every connection error with a stack trace.
  redis.on('error', (error: Error) => {
    if (connected) options.logger.warn({ err: error }, 'redis connection error');
  });
  await redis.connect().catch((error: Error) => {
    throw new Error(`Redis at ${url} unreachable (${error.message})`);
  });
  connected = true;
  return redis;
}
