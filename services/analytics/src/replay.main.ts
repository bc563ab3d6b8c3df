import { checkPostgres, connectNats } from '@gatehouse/clients';
import { loadConfig } from '@gatehouse/config';
import { edgeRecordsStream } from '@gatehouse/contracts';
import { createPrismaClient } from '@gatehouse/db';
import { createLogger } from '@gatehouse/logging';
import { runMain } from '@gatehouse/observability';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { createCountingPipeline } from './adapters/counting-pipeline.ts';
import { resetCounting } from './adapters/counting-reset.ts';
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
  let downloads = 0;
  let done: () => void = () => undefined;
  const caughtUp = new Promise<void>((resolve) => {
    done = resolve;
  });
  const counter = createCountingPipeline({
    prisma,
    js: jetstream(nats),
    jsm,
    logger,
    durable,
    batchSize: config.ANALYTICS_BATCH_SIZE,
    ackWaitMs: config.ANALYTICS_ACK_WAIT_MS,
    onBatch: (batch) => {
      downloads += batch.downloads;
      if (batch.lastSeq >= target) done();
    },
  });
  await counter.start();
  if (target > 0) await caughtUp;
  await counter.stop();
  logger.info({ lastSeq: target, downloads }, 'replay: caught up with the stream');
  await nats.drain();
  await prisma.$disconnect();
});
