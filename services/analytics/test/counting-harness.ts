import type { EdgeRequestRecord } from '@gatehouse/contracts';
import { createPrismaClient, type PrismaClient } from '@gatehouse/db';
import { createLogger } from '@gatehouse/logging';
import { uniqueId } from '@gatehouse/testkit';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createCountingPipeline } from '../src/adapters/counting-pipeline.ts';
import { resetCounting } from '../src/adapters/counting-reset.ts';
import type { DownloadConsumer } from '../src/adapters/download-consumer.ts';
import { createDownloadStatsRepository } from '../src/adapters/download-stats.repository.ts';
import type { DownloadGroupBy } from '../src/domain/download-stats.ts';
import { ensureEdgeStream } from '../src/shipper/edge-stream.ts';

/**
 * A private stream (unique name and subject on the given NATS), the counting pipeline on it and
 * the stats reader: what the integration and end-to-end tests drive. The stream mirrors GH_EDGE's
 * configuration (A's `ensureEdgeStream`).
 */
export async function countingHarness(options: { natsUrl: string; databaseUrl: string; batchSize?: number }) {
  const id = uniqueId('edge').replaceAll('-', '_');
  const stream = `GH_EDGE_${id}`.toUpperCase();
  const subject = `ghedge.${id}.v1`;
  const durable = `analytics_${id}`;
  const nats: NatsConnection = await connect({
    servers: options.natsUrl,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 100,
  });
  const jsm = await jetstreamManager(nats);
  await ensureEdgeStream(jsm, { name: stream, subjects: [subject] });
  const js = jetstream(nats);
  const prisma: PrismaClient = createPrismaClient(options.databaseUrl, {
    applicationName: `analytics-test-${id}`,
  });
  const logger = createLogger({
    level: process.env.TEST_LOG_LEVEL === 'warn' ? 'warn' : 'silent',
    service: 'analytics-test',
  });
  const stats = createDownloadStatsRepository(prisma);
  let consumer: DownloadConsumer | undefined;

  const harness = {
    stream,
    subject,
    durable,
    nats,
    jsm,
    prisma,
    async publish(records: readonly EdgeRequestRecord[]) {
      const acks = records.map((r) => js.publish(subject, JSON.stringify(r), { msgID: r.id }));
      await Promise.all(acks);
    },
    startConsumer() {
      consumer = createCountingPipeline({
        prisma,
        js,
        jsm,
        logger,
        durable,
        batchSize: options.batchSize ?? 4,
        databaseUrl: options.databaseUrl,
        stream,
        subject,
      });
      return consumer.start();
    },
    async stopConsumer() {
      await consumer?.stop();
      consumer = undefined;
    },
    /** Waits until the durable consumer has everything acked and the cursor reached the stream's last sequence. */
    async drained(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const [info, cursor] = await Promise.all([
          jsm.streams.info(stream),
          prisma.analyticsCursor.findUnique({ where: { consumer: durable } }),
        ]);
        if (Number(cursor?.streamSeq ?? 0) >= info.state.last_seq) return;
        if (Date.now() > deadline)
          throw new Error(`not drained: cursor ${cursor?.streamSeq} < ${info.state.last_seq}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async report(tenantId: string, from: string, to: string) {
      const by = (groupBy: DownloadGroupBy) => stats.query({ tenantId, from, to, groupBy });
      const sort = <T extends { key: string }>(rows: T[]) => rows.sort((a, b) => a.key.localeCompare(b.key));
      return {
        byDay: sort(await by('day')),
        byEpisode: sort(await by('episode')),
        byApp: sort(await by('app')),
        byTier: sort(await by('tier')),
        totals: await stats.totals({ tenantId, from, to }),
      };
    },
    /** Rebuild: what the `replay` command does before it counts again (src/replay.main.ts). */
    async resetForReplay() {
      await harness.stopConsumer();
      await resetCounting({ prisma, jsm, stream, durable });
    },
    async close() {
      await harness.stopConsumer();
      await jsm.streams.delete(stream).catch(() => undefined);
      await nats.close();
      await prisma.$disconnect();
    },
  };
  return harness;
}
