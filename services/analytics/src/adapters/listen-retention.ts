import type { PrismaClient } from '@gatehouse/db';

/**
 * Deletes listens (hashed listener keys and their counts) of days older than the retention.
 * A maintenance job on the wall clock, apart from counting, which never reads the clock.
 */
export async function deleteOldListens(prisma: PrismaClient, retentionDays: number): Promise<number> {
  return prisma.$executeRaw`
    DELETE FROM analytics_listens WHERE day < (now() AT TIME ZONE 'UTC')::date - ${retentionDays}::int`;
}
