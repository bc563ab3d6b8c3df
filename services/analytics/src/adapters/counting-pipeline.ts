import type { PrismaClient } from '@gatehouse/db';
import {
  createDownloadConsumer,
  type DownloadConsumer,
  type DownloadConsumerOptions,
} from './download-consumer.ts';
import { createEpisodeMediaLookup } from './episode-media.repository.ts';
import { createListenBatchStore } from './listen-batch.store.ts';
import { createTierLookup } from './subscriber-tiers.repository.ts';

/** The download counter wired from its parts: lookups, the batch store and the durable consumer. */
export function createCountingPipeline(
  options: Omit<DownloadConsumerOptions, 'store'> & { prisma: PrismaClient },
): DownloadConsumer {
  const { prisma, ...consumer } = options;
  const store = createListenBatchStore({
    prisma,
    consumer: options.durable,
    media: createEpisodeMediaLookup(prisma),
    tiers: createTierLookup(prisma),
  });
  return createDownloadConsumer({ ...consumer, store });
}
