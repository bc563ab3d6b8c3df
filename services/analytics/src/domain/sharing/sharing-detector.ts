import { sharingAlertId } from './alert-id.ts';
import type { Observation } from './sharing-observation.ts';
import type { SharingPolicy, SharingSettings } from './sharing-settings.ts';
import { addObservation, countsOf, type SubscriberWindow, type WindowCounts } from './sharing-window.ts';

export type SharingReason = 'networks_and_apps' | 'episode_downloads';

export interface SeenEvidence {
  firstSeen: string;
  lastSeen: string;
  requests: number;
}

/** A new alert and why it was raised: what the creator sees, stored as-is. */
export interface SharingAlertDraft {
  alertId: string;
  tenantId: string;
  subscriberId: string;
  /** The record whose arrival crossed the threshold. */
  triggerRecordId: string;
  /** The open alert this one replaces because the pattern grew (null: none was open). */
  supersedes: string | null;
  reasons: SharingReason[];
  counts: WindowCounts;
  networks: (SeenEvidence & { network: string })[];
  apps: (SeenEvidence & { app: string })[];
  /** Episodes fetched from their start by several (network, app) pairs, most first. */
  episodes: { episodeId: string; downloads: number }[];
  firstSeen: string;
  lastSeen: string;
  /** The settings it was judged by. */
  settings: SharingSettings;
  policy: SharingPolicy;
}

const iso = (ms: number) => new Date(ms).toISOString();

function reasonsFor(counts: WindowCounts, settings: SharingSettings): SharingReason[] {
  const reasons: SharingReason[] = [];
  if (counts.networks >= settings.minNetworks && counts.apps >= settings.minApps)
    reasons.push('networks_and_apps');
  if (counts.episodeDownloads >= settings.maxEpisodeDownloads) reasons.push('episode_downloads');
  return reasons;
}

/** With an alert open, only a pattern that grew by `growthPercent` in some count raises another. */
function grew(open: NonNullable<SubscriberWindow['open']>, counts: WindowCounts, growthPercent: number) {
  const factor = 1 + growthPercent / 100;
  return (
    counts.networks >= Math.ceil(open.networks * factor) ||
    counts.apps >= Math.ceil(open.apps * factor) ||
    (open.episodeDownloads > 0 && counts.episodeDownloads >= Math.ceil(open.episodeDownloads * factor))
  );
}

function evidence(
  window: SubscriberWindow,
  observation: Observation,
  settings: SharingSettings,
  reasons: SharingReason[],
) {
  const byLast = <K extends string>(name: K, map: SubscriberWindow['networks']) =>
    [...map.entries()]
      .sort(([ka, a], [kb, b]) => b.last - a.last || (ka < kb ? -1 : 1))
      .map(([key, seen]) => ({
        [name]: key,
        firstSeen: iso(seen.first),
        lastSeen: iso(seen.last),
        requests: seen.requests,
      })) as (SeenEvidence & Record<K, string>)[];
  const networks = byLast('network', window.networks);
  const apps = byLast('app', window.apps);
  const episodes = [...window.starts.entries()]
    .map(([episodeId, pairs]) => ({ episodeId, downloads: pairs.size }))
    .filter((episode) => episode.downloads > 1)
    .sort((a, b) => b.downloads - a.downloads || (a.episodeId < b.episodeId ? -1 : 1));
  let first = observation.at;
  let last = observation.at;
  for (const seen of [...window.networks.values(), ...window.apps.values()]) {
    first = Math.min(first, seen.first);
    last = Math.max(last, seen.last);
  }
  return {
    reasons,
    networks,
    apps,
    episodes,
    firstSeen: iso(first),
    lastSeen: iso(last),
    settings: { ...settings },
    policy: settings.policy,
  };
}

/**
 * Feeds one observation into its subscriber's window and says whether it raises an alert. Pure: the
 * outcome depends only on the window (itself built from earlier records in stream order), the
 * observation and the settings. At most one alert is open per subscriber: while one is open the
 * window keeps counting, and a new alert (superseding it) comes only when the pattern grew by the
 * creator's `growthPercent` — a shared feed does not produce an alert per request.
 */
export function observe(
  window: SubscriberWindow,
  observation: Observation,
  settings: SharingSettings,
): SharingAlertDraft | null {
  if (!addObservation(window, observation, settings.windowHours * 3_600_000)) return null;
  const counts = countsOf(window);
  const reasons = reasonsFor(counts, settings);
  if (reasons.length === 0) return null;
  if (window.open && !grew(window.open, counts, settings.growthPercent)) return null;
  const alertId = sharingAlertId(observation.subscriberId, observation.recordId);
  const draft: SharingAlertDraft = {
    alertId,
    tenantId: observation.tenantId,
    subscriberId: observation.subscriberId,
    triggerRecordId: observation.recordId,
    supersedes: window.open?.alertId ?? null,
    counts,
    ...evidence(window, observation, settings, reasons),
  };
  window.open = { alertId, ...counts };
  return draft;
}
