/**
 * A creator's sharing thresholds and what happens when they are crossed.
 *
 * Why the defaults never fire for one listener with a phone, a watch and a laptop, at home and at
 * work, with the phone roaming across mobile-carrier networks during the day:
 * - Networks alone prove nothing: a phone on mobile data changes carrier /24s (CGNAT pools) and
 *   IPv6 /64s on every re-attach, so one commuting listener can show 10+ networks a day. Networks
 *   therefore only count together with apps (`minNetworks` AND `minApps`).
 * - One person uses few apps: a phone app, the watch's player, a desktop app or browser — three,
 *   four with a second app on the laptop. `minApps` = 5 leaves room for that; a feed passed around
 *   reaches many apps (12 listeners rarely share fewer than 5 podcast apps).
 * - Downloads per episode count distinct (network, app) pairs that fetched the episode from its
 *   first byte: one listener's devices at home, at work and on the road make a handful, a shared
 *   feed makes one per recipient. `maxEpisodeDownloads` = 12 sits well above the first and is
 *   reached by a feed shared with a dozen people.
 * A feed shared across 12 networks and 6 apps crosses `minNetworks` = 8 and `minApps` = 5.
 */
export type SharingPolicy = 'alert' | 'alert+reset' | 'suspend';

export interface SharingSettings {
  /** Rolling window, in hours of record time, over which networks, apps and downloads are counted. */
  windowHours: number;
  /** Distinct networks (/24 or /64) in the window that, with `minApps`, mean sharing. */
  minNetworks: number;
  /** Distinct apps in the window that, with `minNetworks`, mean sharing. */
  minApps: number;
  /** Distinct (network, app) pairs that fetched one episode from its start within the window. */
  maxEpisodeDownloads: number;
  /** While an alert is open, a new one only when a count grew by this many percent over the alert's. */
  growthPercent: number;
  policy: SharingPolicy;
}

export const defaultSharingSettings: Readonly<SharingSettings> = Object.freeze({
  windowHours: 24,
  minNetworks: 8,
  minApps: 5,
  maxEpisodeDownloads: 12,
  growthPercent: 100,
  policy: 'alert',
});

/** Bounds the API enforces (400 outside them); the detector relies on them (no zero thresholds). */
export const sharingSettingsBounds = {
  windowHours: { minimum: 1, maximum: 168 },
  minNetworks: { minimum: 2, maximum: 1000 },
  minApps: { minimum: 1, maximum: 100 },
  maxEpisodeDownloads: { minimum: 2, maximum: 10000 },
  growthPercent: { minimum: 10, maximum: 1000 },
} as const satisfies Record<Exclude<keyof SharingSettings, 'policy'>, { minimum: number; maximum: number }>;
