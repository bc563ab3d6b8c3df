import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../shared/api-client.ts';

// The analytics service's creator API (services/analytics/src/routes: downloads.routes.ts,
// alerts.routes.ts; docs/analytics.md), through the edge under /api/v1/analytics/.

export type GroupBy = 'day' | 'episode' | 'app' | 'tier';
export interface DayRange {
  from: string;
  to: string;
}
export interface DownloadRow {
  key: string;
  downloads: number;
  listeners: number;
}
export interface DownloadsReport {
  from: string;
  to: string;
  groupBy: GroupBy;
  rows: DownloadRow[];
  totals: { downloads: number; listeners: number };
}

const BASE = '/api/v1/analytics';

function downloadsQuery(range: DayRange, groupBy: GroupBy) {
  return new URLSearchParams({ from: range.from, to: range.to, groupBy }).toString();
}

export function useDownloads(range: DayRange, groupBy: GroupBy) {
  return useQuery({
    queryKey: ['analytics', 'downloads', range.from, range.to, groupBy],
    queryFn: ({ signal }) =>
      api<DownloadsReport>(`${BASE}/downloads?${downloadsQuery(range, groupBy)}`, { signal }),
  });
}

/** The same rows as CSV: a plain link (same-origin, the session cookie authenticates it). */
export function downloadsCsvUrl(range: DayRange, groupBy: GroupBy): string {
  return `${BASE}/downloads.csv?${downloadsQuery(range, groupBy)}`;
}

/** Episode titles for the per-episode view (the counts name episodes by id). */
export function useEpisodeTitles(ids: string[]): Map<string, string> {
  const results = useQueries({
    queries: ids.map((id) => ({
      queryKey: ['media', 'episode', id],
      queryFn: () => api<{ id: string; title: string }>(`/api/v1/episodes/${encodeURIComponent(id)}`),
      staleTime: 5 * 60_000,
      retry: false,
    })),
  });
  const titles = new Map<string, string>();
  for (const result of results) if (result.data) titles.set(result.data.id, result.data.title);
  return titles;
}

export type AlertStatus = 'open' | 'dismissed' | 'resolved' | 'superseded';
export type SharingPolicy = 'alert' | 'alert+reset' | 'suspend';
export interface SharingSettings {
  windowHours: number;
  minNetworks: number;
  minApps: number;
  maxEpisodeDownloads: number;
  growthPercent: number;
  policy: SharingPolicy;
}
interface Seen {
  firstSeen: string;
  lastSeen: string;
  requests: number;
}
export interface SharingAlert {
  id: string;
  subscriberId: string;
  status: AlertStatus;
  reasons: ('networks_and_apps' | 'episode_downloads')[];
  counts: { networks: number; apps: number; episodeDownloads: number };
  networks: (Seen & { network: string })[];
  apps: (Seen & { app: string })[];
  episodes: { episodeId: string; downloads: number }[];
  firstSeen: string;
  lastSeen: string;
  createdAt: string;
  closedAt: string | null;
  supersedes: string | null;
  settings: SharingSettings;
  actions: {
    kind: 'reset' | 'suspend';
    state: 'pending' | 'rotated' | 'done' | 'failed';
    requestedBy: 'policy' | 'creator';
    createdAt: string;
    completedAt: string | null;
    lastError: string | null;
  }[];
}

const alertsKey = ['analytics', 'alerts'] as const;

export function useAlerts(status: AlertStatus | null) {
  return useQuery({
    queryKey: [...alertsKey, status],
    queryFn: () =>
      api<{ alerts: SharingAlert[]; next: string | null }>(
        `${BASE}/sharing/alerts?${new URLSearchParams(status ? { status, limit: '100' } : { limit: '100' })}`,
      ),
  });
}

export function useAlertAction() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ alertId, action }: { alertId: string; action: 'dismiss' | 'reset' | 'suspend' }) =>
      api<SharingAlert>(`${BASE}/sharing/alerts/${encodeURIComponent(alertId)}/${action}`, {
        method: 'POST',
        body: {},
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: alertsKey }),
  });
}

export function useUnsuspend() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (subscriberId: string) =>
      api(`${BASE}/sharing/subscribers/${encodeURIComponent(subscriberId)}/unsuspend`, {
        method: 'POST',
        body: {},
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: alertsKey }),
  });
}

const settingsKey = ['analytics', 'sharing-settings'] as const;

export function useSharingSettings() {
  return useQuery({ queryKey: settingsKey, queryFn: () => api<SharingSettings>(`${BASE}/sharing/settings`) });
}

export function useSaveSharingSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (settings: SharingSettings) =>
      api<SharingSettings>(`${BASE}/sharing/settings`, { method: 'PUT', body: settings }),
    onSuccess: (saved) => client.setQueryData(settingsKey, saved),
  });
}
