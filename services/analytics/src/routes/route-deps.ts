import type { DownloadStatsReader } from '../domain/download-stats.ts';
import type { SharingService } from '../domain/sharing/sharing-service.ts';

/** What the analytics routes may use: domain interfaces only (adapters implement them). */
export interface RouteDeps {
  downloads: DownloadStatsReader;
  /** Sharing alerts, actions and per-creator thresholds (docs/analytics.md, "Sharing detection"). */
  sharing: SharingService;
}
