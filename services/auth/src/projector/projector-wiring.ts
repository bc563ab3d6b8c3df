import type { VersionedStore } from '@gatehouse/access-cache';
import { settings, Type } from '@gatehouse/config';
import { createPrismaClient } from '@gatehouse/db';
import { ensureStreams } from '@gatehouse/outbox';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Redis } from 'ioredis';
import { createSubscriberColdLoader, StaleGraceSource } from '../cold-path/index.ts';
import { createAccessProjector, type ProjectorLogger } from './access-projector.ts';
import { guardConnections } from './connection-guard.ts';
import { type Invalidatable, listenForInvalidations } from './invalidation-listener.ts';

/** The variables of the projector side, spread into the auth service's config schema. */
export const projectorConfigProperties = {
  DATABASE_URL: Type.Optional({
    ...settings.DATABASE_URL,
    description:
      'PostgreSQL URL for the cold path (rebuild a missing validity entry); unset: a missing entry denies.',
  }),
  AUTH_STALE_GRACE_MS: Type.Integer({
    minimum: 0,
    maximum: 60_000,
    default: 0,
    description:
      'Redis outage policy: 0 fails closed (503 + Retry-After: 1); >0 serves an entry read from Redis at most this long ago.',
  }),
  AUTH_DEGRADED_MAX_AGE_MS: Type.Integer({
    minimum: 50,
    maximum: 5_000,
    default: 250,
    description:
      'While NATS or Redis is lost, in-process entries live at most this long (the cache is flushed that often).',
  }),
  AUTH_PROJECTOR_DURABLE: Type.String({
    pattern: '^[A-Za-z0-9_-]{1,64}$',
    default: 'auth-projector',
    description: 'Durable JetStream consumer name shared by all auth replicas.',
  }),
};

export interface ProjectorSideConfig {
  DATABASE_URL?: string | undefined;
  AUTH_STALE_GRACE_MS: number;
  AUTH_DEGRADED_MAX_AGE_MS: number;
  AUTH_PROJECTOR_DURABLE: string;
}

/**
 * What `main.ts` builds before the app: the Redis outage policy's source wrapper and the cold
 * path. Pass `store` and `coldLoader` to `buildApp`, then call `start` with the app's cache.
 */
export function prepareProjectorSide(options: {
  config: ProjectorSideConfig;
  redis: Redis;
  store: VersionedStore;
  nats: NatsConnection;
  logger: ProjectorLogger;
  replicaId: string;
}) {
  const { config, redis, store, nats, logger } = options;
  const stale = new StaleGraceSource(store, { graceMs: config.AUTH_STALE_GRACE_MS });
  const prisma = config.DATABASE_URL
    ? createPrismaClient(config.DATABASE_URL, { applicationName: 'gatehouse-auth-cold-path', poolSize: 4 })
    : undefined;
  const coldLoader = prisma ? createSubscriberColdLoader({ db: prisma, redis, store }) : undefined;

  async function start(accessCache: Invalidatable) {
    await ensureStreams(await jetstreamManager(nats));
    const projector = createAccessProjector({
      nats,
      js: jetstream(nats),
      jsm: await jetstreamManager(nats),
      store,
      redisReady: () => redis.status === 'ready',
      logger,
      replicaId: options.replicaId,
      durableName: config.AUTH_PROJECTOR_DURABLE,
    });
    await projector.start();
    const stopListening = listenForInvalidations(nats, [accessCache, stale]);
    const guard = guardConnections({
      natsStatus: nats.status(),
      redis,
      onNatsLost: [accessCache, stale],
      onRedisLost: [accessCache],
      degradedMaxAgeMs: config.AUTH_DEGRADED_MAX_AGE_MS,
      log: (message) => logger.warn({}, message),
    });
    return {
      projector,
      async stop() {
        guard.stop();
        stopListening();
        await projector.stop();
        await prisma?.$disconnect();
      },
    };
  }

  return { store: stale, coldLoader, start };
}
