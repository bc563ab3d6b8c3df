/** How `/api/v1/analytics/downloads` groups its rows. */
export type DownloadGroupBy = 'day' | 'episode' | 'app' | 'tier';

export interface DownloadStatsQuery {
  tenantId: string;
  /** First UTC day, inclusive (YYYY-MM-DD). */
  from: string;
  /** Last UTC day, inclusive (YYYY-MM-DD). */
  to: string;
  groupBy: DownloadGroupBy;
}

export interface DownloadStatsRow {
  /** The group: a day, an episode id, an app family or a tier. */
  key: string;
  downloads: number;
  /**
   * Distinct listeners (address hash + user agent) per UTC day, summed over the days of the range:
   * the address hash changes with the daily salt, so nobody can be followed across days (privacy).
   */
  listeners: number;
}

export interface DownloadTotals {
  downloads: number;
  /** Distinct listeners per day over all episodes, summed over the days (see `DownloadStatsRow`). */
  listeners: number;
}

export interface DownloadStatsReader {
  query(query: DownloadStatsQuery): Promise<DownloadStatsRow[]>;
  totals(query: Omit<DownloadStatsQuery, 'groupBy'>): Promise<DownloadTotals>;
}
