import { checkPostgres, connectNats } from '@gatehouse/clients';
import { loadConfig } from '@gatehouse/config';
import { edgeRecordsStream } from '@gatehouse/contracts';
import { createPrismaClient } from '@gatehouse/db';
import { createLogger } from '@gatehouse/logging';
import { runMain } from '@gatehouse/observability';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { resetCounting } from './adapters/counting-reset.ts';
import { runCountingUntil } from './adapters/counting-run.ts';
import { analyticsConfigSchema } from './analytics.config.ts';

/**
 * `npm run replay -w @gatehouse/analytics`: rebuilds the download counts from the start of the
 * GH_EDGE stream into empty tables, then exits once the counter has caught up with the stream.
 * Scale the analytics service to zero first (docs/analytics.md, "Rebuilding the numbers").
 */
await runMain('analytics-replay', async () => {
  const config = loadConfig(analyticsConfigSchema);
  const logger = createLogger({ level: config.LOG_LEVEL, service: 'analytics-replay' });
  const prisma = createPrismaClient(config.DATABASE_URL, { applicationName: 'gatehouse-analytics-replay' });
  await checkPostgres(prisma);
  const nats = await connectNats(config.NATS_URL, 'analytics-replay');
  const jsm = await jetstreamManager(nats);
  const stream = edgeRecordsStream.name;
  const durable = config.ANALYTICS_CONSUMER;

  await resetCounting({ prisma, jsm, stream, durable });
  const target = (await jsm.streams.info(stream)).state.last_seq;
  logger.info(
    { stream, durable, lastSeq: target },
    'replay: counting tables emptied, reading the stream from its start',
  );
  const { downloads } = await runCountingUntil(
    {
      prisma,
      js: jetstream(nats),
      jsm,
      logger,
      durable,
      batchSize: config.ANALYTICS_BATCH_SIZE,
      databaseUrl: config.DATABASE_URL,
      applicationName: 'gatehouse-analytics-replay',
    },
    (progress) => progress.lastSeq >= target,
  );
  logger.info({ lastSeq: target, downloads }, 'replay: caught up with the stream');
  await nats.drain();
  await prisma.$disconnect();
});
