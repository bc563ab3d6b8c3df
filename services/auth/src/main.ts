import { loadConfig } from '@gatehouse/config';
import { createLogger } from '@gatehouse/logging';
import { onShutdown, runMain } from '@gatehouse/observability';
import { connect } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import { buildApp } from './app.ts';
import { authConfigSchema } from './auth.config.ts';

await runMain('auth', async () => {
  const config = loadConfig(authConfigSchema);
  const logger = createLogger({ level: config.LOG_LEVEL, service: 'auth' });

  const redis = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  await redis.connect().catch((error: Error) => {
    throw new Error(`Redis at ${config.REDIS_URL} unreachable (${error.message})`);
  });
  const nats = await connect({ servers: config.NATS_URL.split(','), name: 'gatehouse-auth' }).catch((error: Error) => {
    throw new Error(`NATS at ${config.NATS_URL} unreachable (${error.message})`);
  });

  const app = buildApp({
    logger,
    readiness: [
      { name: 'redis', check: () => redis.ping() },
      { name: 'nats', check: async () => !nats.isClosed() && (await nats.rtt()) >= 0 },
    ],
  });

  await app.listen({ host: config.HOST, port: config.PORT });
  onShutdown(
    async () => {
      await app.close();
      await nats.drain();
      redis.disconnect();
    },
    { graceMs: config.SHUTDOWN_GRACE_MS, log: (message) => logger.info(message) },
  );
});
