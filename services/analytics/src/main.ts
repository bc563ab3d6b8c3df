import { checkPostgres, connectNats } from '@gatehouse/clients';
import { loadConfig } from '@gatehouse/config';
import { createPrismaClient } from '@gatehouse/db';
import { createLogger } from '@gatehouse/logging';
import { onShutdown, runMain } from '@gatehouse/observability';
import { createApiKeyVerifier, createPrismaApiKeyRepository } from '@gatehouse/tenant-keys';
import { createDownloadStatsRepository } from './adapters/download-stats.repository.ts';
import { analyticsConfigSchema } from './analytics.config.ts';
import { buildApp } from './app.ts';

await runMain('analytics', async () => {
  const config = loadConfig(analyticsConfigSchema);
  const logger = createLogger({ level: config.LOG_LEVEL, service: 'analytics' });

  const prisma = createPrismaClient(config.DATABASE_URL, { applicationName: 'gatehouse-analytics' });
  await checkPostgres(prisma);
  // Keep reconnecting through a NATS restart: the counter resumes from its durable consumer.
  const nats = await connectNats(config.NATS_URL, 'analytics', { maxReconnectAttempts: -1 });

  const app = buildApp({
    logger,
    apiKeys: createApiKeyVerifier(createPrismaApiKeyRepository(prisma)),
    downloads: createDownloadStatsRepository(prisma),
    readiness: [
      { name: 'postgres', check: () => prisma.$queryRaw`SELECT 1` },
      { name: 'nats', check: async () => !nats.isClosed() && (await nats.rtt()) >= 0 },
    ],
  });

  await app.listen({ host: config.HOST, port: config.PORT });
  onShutdown(
    async () => {
      await app.close();
      await nats.drain();
      await prisma.$disconnect();
    },
    { graceMs: config.SHUTDOWN_GRACE_MS, log: (message) => logger.info(message) },
  );
});
