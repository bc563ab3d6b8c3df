import { hostname } from 'node:os';
import { createVersionedStore } from '@gatehouse/access-cache';
import { connectNats, connectRedis } from '@gatehouse/clients';
import { loadConfig } from '@gatehouse/config';
import { createLogger } from '@gatehouse/logging';
import { onShutdown, runMain } from '@gatehouse/observability';
import { parseKeyring } from '@gatehouse/tokens';
import { createMediaOriginsClient } from './adapters/media-origins.client.ts';
import { buildApp } from './app.ts';
import { authConfigSchema } from './auth.config.ts';
import { prepareProjectorSide } from './projector/index.ts';

await runMain('auth', async () => {
  const config = loadConfig(authConfigSchema);
  const logger = createLogger({ level: config.LOG_LEVEL, service: 'auth' });
  const keyring = (() => {
    try {
      return parseKeyring(config.TOKEN_KEYS, config.TOKEN_ACTIVE_KID);
    } catch (error) {
      throw new Error(`TOKEN_KEYS/TOKEN_ACTIVE_KID: ${(error as Error).message}`);
    }
  })();

  // Fails the start on an unreachable Redis; once connected it reconnects with a short backoff
  // (requests meanwhile answer 503 + Retry-After, never a deny).
  const redis = await connectRedis(config.REDIS_URL, { logger });
  const nats = await connectNats(config.NATS_URL, 'auth');

  // Projector side: Redis outage policy wrapper, cold path, then (after the app) consumer + invalidations.
  const projectorSide = prepareProjectorSide({
    config,
    redis,
    store: createVersionedStore(redis),
    nats,
    logger,
    replicaId: `${hostname()}-${process.pid}`,
  });
  const app = buildApp({
    logger,
    readiness: [
      { name: 'redis', check: () => redis.ping() },
      { name: 'nats', check: async () => !nats.isClosed() && (await nats.rtt()) >= 0 },
    ],
    keyring,
    store: projectorSide.store,
    ...(projectorSide.coldLoader ? { coldLoader: projectorSide.coldLoader } : {}),
    originIssuer: createMediaOriginsClient({
      baseUrl: config.MEDIA_INTERNAL_URL,
      timeoutMs: config.MEDIA_INTERNAL_TIMEOUT_MS,
      internalApiToken: config.INTERNAL_API_TOKEN,
    }),
    settings: {
      cacheMaxEntries: config.AUTH_CACHE_MAX_ENTRIES,
      subscriberMaxAgeMs: config.AUTH_CACHE_SUBSCRIBER_MAX_AGE_MS,
      policyMaxAgeMs: config.AUTH_CACHE_POLICY_MAX_AGE_MS,
      originMinRemainingMs: config.ORIGIN_MIN_REMAINING_S * 1000,
      downloadLinkTtlS: config.DOWNLOAD_LINK_TTL_S,
      publicBaseUrl: config.PUBLIC_BASE_URL,
    },
  });

  const projector = await projectorSide.start(app.accessCache);
  await app.listen({ host: config.HOST, port: config.PORT });
  onShutdown(
    async () => {
      await app.close();
      await projector.stop();
      await nats.drain();
      redis.disconnect();
    },
    { graceMs: config.SHUTDOWN_GRACE_MS, log: (message) => logger.info(message) },
  );
});
