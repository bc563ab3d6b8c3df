import { checkPostgres, connectNats } from '@gatehouse/clients';
import { loadConfig } from '@gatehouse/config';
import { createPrismaClient } from '@gatehouse/db';
import { createLogger } from '@gatehouse/logging';
import { onShutdown, runMain } from '@gatehouse/observability';
import { creatorSessionsFromPrisma } from '@gatehouse/sign-in/prisma';
import { createApiKeyVerifier, createPrismaApiKeyRepository } from '@gatehouse/tenant-keys';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { createCountingPipeline } from './adapters/counting-pipeline.ts';
import { createDownloadStatsRepository } from './adapters/download-stats.repository.ts';
import { deleteOldListens } from './adapters/listen-retention.ts';
import { startSharing } from './adapters/sharing-wiring.ts';
import { analyticsConfigSchema } from './analytics.config.ts';
import { buildApp } from './app.ts';
import { appOf } from './domain/user-agents.ts';
import { ensureEdgeStream } from './shipper/edge-stream.ts';

const HOUR_MS = 3_600_000;

await runMain('analytics', async () => {
  const config = loadConfig(analyticsConfigSchema);
  const logger = createLogger({ level: config.LOG_LEVEL, service: 'analytics' });

  const prisma = createPrismaClient(config.DATABASE_URL, { applicationName: 'gatehouse-analytics' });
  await checkPostgres(prisma);
  // Keep reconnecting through a NATS restart: the counter reads on from its cursor in Postgres.
  const nats = await connectNats(config.NATS_URL, 'analytics', { maxReconnectAttempts: -1 });
  const jsm = await jetstreamManager(nats);
  await ensureEdgeStream(jsm, { retentionDays: config.EDGE_RECORDS_RETENTION_DAYS });

  const counter = createCountingPipeline({
    prisma,
    js: jetstream(nats),
    jsm,
    logger,
    durable: config.ANALYTICS_CONSUMER,
    batchSize: config.ANALYTICS_BATCH_SIZE,
    databaseUrl: config.DATABASE_URL,
    applicationName: 'gatehouse-analytics',
  });
  await counter.start();

  // Sharing detection: its own durable consumer, reset executor and outbox relay (docs/analytics.md).
  const sharing = await startSharing({ prisma, nats, logger, config, appOf });

  const app = buildApp({
    logger,
    sharing: sharing.service,
    apiKeys: createApiKeyVerifier(createPrismaApiKeyRepository(prisma)),
    sessions: creatorSessionsFromPrisma(prisma),
    downloads: createDownloadStatsRepository(prisma),
    readiness: [
      { name: 'postgres', check: () => prisma.$queryRaw`SELECT 1` },
      { name: 'nats', check: async () => !nats.isClosed() && (await nats.rtt()) >= 0 },
    ],
  });

  const retention = setInterval(() => {
    deleteOldListens(prisma, config.ANALYTICS_RETENTION_DAYS)
      .then((deleted) => deleted > 0 && logger.info({ deleted }, 'analytics: old listens deleted'))
      .catch((error: unknown) => logger.warn({ err: error }, 'analytics: retention sweep failed'));
  }, HOUR_MS);
  retention.unref();

  await app.listen({ host: config.HOST, port: config.PORT });
  onShutdown(
    async () => {
      clearInterval(retention);
      await app.close();
      await sharing.stop();
      await counter.stop();
      await nats.drain();
      await prisma.$disconnect();
    },
    { graceMs: config.SHUTDOWN_GRACE_MS, log: (message) => logger.info(message) },
  );
});
