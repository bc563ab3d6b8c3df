import type { DownloadStatsReader } from '../domain/download-stats.ts';

/** What the analytics routes may use: domain interfaces only (adapters implement them). */
export interface RouteDeps {
  downloads: DownloadStatsReader;
}
