import type { PrismaClient } from '@gatehouse/db';
import type {
  DownloadGroupBy,
  DownloadStatsQuery,
  DownloadStatsReader,
  DownloadStatsRow,
  DownloadTotals,
} from '../domain/download-stats.ts';

/** SQL of each grouping's key; listeners are distinct per day, so (day, key) pairs are counted. */
const groupColumn: Record<DownloadGroupBy, string> = {
  day: `to_char(day, 'YYYY-MM-DD')`,
  episode: 'episode_id::text',
  app: 'app',
  tier: 'tier',
};

interface RawRow {
  key: string;
  downloads: bigint;
  listeners: bigint;
}

/** Reads counted downloads (`analytics_listens` rows with `counted_at`) for the creators' API. */
export function createDownloadStatsRepository(prisma: PrismaClient): DownloadStatsReader {
  return {
    async query({ tenantId, from, to, groupBy }: DownloadStatsQuery): Promise<DownloadStatsRow[]> {
      const column = groupColumn[groupBy];
      // `column` comes from the fixed map above, never from the request.
      const rows = await prisma.$queryRawUnsafe<RawRow[]>(
        `SELECT ${column} AS key, count(*) AS downloads, count(DISTINCT (day, listener_key)) AS listeners
           FROM analytics_listens
          WHERE tenant_id = $1::uuid AND day BETWEEN $2::date AND $3::date AND counted_at IS NOT NULL
          GROUP BY 1 ORDER BY 1`,
        tenantId,
        from,
        to,
      );
      return rows.map((row) => ({
        key: row.key,
        downloads: Number(row.downloads),
        listeners: Number(row.listeners),
      }));
    },
    async totals({ tenantId, from, to }): Promise<DownloadTotals> {
      const [row] = await prisma.$queryRaw<Omit<RawRow, 'key'>[]>`
        SELECT count(*) AS downloads, count(DISTINCT (day, listener_key)) AS listeners
          FROM analytics_listens
         WHERE tenant_id = ${tenantId}::uuid AND day BETWEEN ${from}::date AND ${to}::date
           AND counted_at IS NOT NULL`;
      return { downloads: Number(row?.downloads ?? 0), listeners: Number(row?.listeners ?? 0) };
    },
  };
}
