import { type PrismaClient, parseDatabaseUrl } from '@gatehouse/db';
import pg from 'pg';
import {
  createDownloadConsumer,
  type DownloadConsumer,
  type DownloadConsumerOptions,
} from './download-consumer.ts';
import { createEpisodeMediaLookup } from './episode-media.repository.ts';
import { createListenBatchStore } from './listen-batch.store.ts';
import { createTierLookup } from './subscriber-tiers.repository.ts';

export interface CountingPipelineOptions extends Omit<DownloadConsumerOptions, 'store'> {
  /** Reference data (episodes' files, subscribers' plans), read through Prisma. */
  prisma: PrismaClient;
  /** The counter's own small pg pool writes the batches (see listen-batch.store.ts). */
  databaseUrl: string;
  /** Shown in pg_stat_activity for the counter's connections. */
  applicationName?: string;
}

/**
 * The download counter wired from its parts: lookups, the batch store on its own pg pool and the
 * ordered stream reader. `stop()` also closes the pool.
 */
export function createCountingPipeline(options: CountingPipelineOptions): DownloadConsumer {
  const { prisma, databaseUrl, applicationName, ...consumer } = options;
  // Two connections: one batch commits at a time; the second serves cursor reads meanwhile.
  const pool = new pg.Pool({
    connectionString: parseDatabaseUrl(databaseUrl).url,
    max: 2,
    connectionTimeoutMillis: 5_000,
    // Kept open while idle: a quiet stream's next record should not wait for a new connection.
    idleTimeoutMillis: 0,
    ...(applicationName ? { application_name: applicationName } : {}),
  });
  // A killed idle connection must not crash the process; the pool replaces it.
  pool.on('error', (error) =>
    consumer.logger.warn({ err: error }, 'analytics: counter pool connection lost'),
  );
  const store = createListenBatchStore({
    pool,
    consumer: options.durable,
    media: createEpisodeMediaLookup(prisma),
    tiers: createTierLookup(prisma),
  });
  const counter = createDownloadConsumer({ ...consumer, store });
  return {
    start: counter.start,
    async stop() {
      await counter.stop();
      await pool.end();
    },
  };
}
