import type { PrismaClient } from '@gatehouse/db';
import type { JetStreamManager } from '@nats-io/jetstream';

/**
 * Prepares a rebuild: empties the counting tables and forgets the counter's applied sequence, so
 * the next start reads the stream from its first record (and deletes a durable consumer of that
 * name, left by versions before the ordered read).
 * Stop every running counter first: a counter still running would keep writing.
 */
export async function resetCounting(deps: {
  prisma: PrismaClient;
  jsm: JetStreamManager;
  stream: string;
  durable: string;
}): Promise<void> {
  await deps.jsm.consumers.delete(deps.stream, deps.durable).catch((error: unknown) => {
    if (!(error instanceof Error) || !/consumer not found/i.test(error.message)) throw error;
  });
  await deps.prisma.$transaction([
    deps.prisma.$executeRaw`TRUNCATE analytics_listens`,
    deps.prisma.$executeRaw`DELETE FROM analytics_cursors WHERE consumer = ${deps.durable}`,
  ]);
}
