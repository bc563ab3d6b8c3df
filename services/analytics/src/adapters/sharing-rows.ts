import type { Prisma } from '@gatehouse/db';
import type { SharingAlertDraft } from '../domain/sharing/sharing-detector.ts';
import type { SharingAlertView } from '../domain/sharing/sharing-service.ts';
import {
  defaultSharingSettings,
  type SharingPolicy,
  type SharingSettings,
} from '../domain/sharing/sharing-settings.ts';
import {
  clearWindow,
  fromStoredWindow,
  type StoredWindow,
  type SubscriberWindow,
  toStoredWindow,
} from '../domain/sharing/sharing-window.ts';

/** Row ↔ domain mappings of the sharing tables (one place, shared by the consumer and the API). */

type DbPolicy = 'alert' | 'alert_reset' | 'suspend';
export const policyToDb = (policy: SharingPolicy): DbPolicy =>
  policy === 'alert+reset' ? 'alert_reset' : policy;
export const policyFromDb = (policy: DbPolicy): SharingPolicy =>
  policy === 'alert_reset' ? 'alert+reset' : policy;

export function settingsFromRow(
  row: {
    windowHours: number;
    minNetworks: number;
    minApps: number;
    maxEpisodeDownloads: number;
    growthPercent: number;
    policy: DbPolicy;
  } | null,
): SharingSettings {
  if (!row) return { ...defaultSharingSettings };
  return { ...row, policy: policyFromDb(row.policy) };
}

export const windowToJson = (window: SubscriberWindow) =>
  toStoredWindow(window) as unknown as Prisma.InputJsonValue;
export const windowFromJson = (json: Prisma.JsonValue) => fromStoredWindow(json as unknown as StoredWindow);

/** What `evidence` holds: the parts of the draft not in their own columns. */
export function evidenceOf(alert: SharingAlertDraft): Prisma.InputJsonValue {
  const { networks, apps, episodes, settings } = alert;
  return { networks, apps, episodes, settings } as unknown as Prisma.InputJsonValue;
}

export const alertInclude = {
  actions: { orderBy: { createdAt: 'asc' } },
} as const satisfies Prisma.SharingAlertInclude;

type AlertRow = Prisma.SharingAlertGetPayload<{ include: typeof alertInclude }>;

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function alertView(row: AlertRow): SharingAlertView {
  const evidence = row.evidence as unknown as Pick<
    SharingAlertView,
    'networks' | 'apps' | 'episodes' | 'settings'
  >;
  return {
    id: row.id,
    subscriberId: row.subscriberId,
    status: row.status,
    reasons: row.reasons as SharingAlertView['reasons'],
    counts: { networks: row.networks, apps: row.apps, episodeDownloads: row.episodeDownloads },
    networks: evidence.networks,
    apps: evidence.apps,
    episodes: evidence.episodes,
    settings: evidence.settings,
    firstSeen: row.firstSeen.toISOString(),
    lastSeen: row.lastSeen.toISOString(),
    createdAt: row.createdAt.toISOString(),
    closedAt: iso(row.closedAt),
    supersedes: row.supersedes,
    actions: row.actions.map((action) => ({
      kind: action.kind,
      state: action.state,
      requestedBy: action.requestedBy === 'policy' ? 'policy' : 'creator',
      createdAt: action.createdAt.toISOString(),
      completedAt: iso(action.completedAt),
      lastError: action.lastError,
    })),
  };
}

/**
 * Closes an alert (dismissed or resolved) and makes the subscriber's window forget what it saw, in
 * the caller's transaction: the next alert needs new traffic (no alert storm after a dismissal).
 */
export async function closeAlert(
  tx: Prisma.TransactionClient,
  alertId: string,
  subscriberId: string,
  status: 'dismissed' | 'resolved',
): Promise<void> {
  await tx.sharingAlert.update({ where: { id: alertId }, data: { status, closedAt: new Date() } });
  const stored = await tx.$queryRaw<{ state: Prisma.JsonValue }[]>`
    SELECT state FROM sharing_windows WHERE subscriber_id = ${subscriberId}::uuid FOR UPDATE`;
  const row = stored[0];
  if (!row) return;
  const window = windowFromJson(row.state);
  if (window.open && window.open.alertId !== alertId) return; // a newer alert superseded it: keep counting
  clearWindow(window);
  await tx.sharingWindow.update({ where: { subscriberId }, data: { state: windowToJson(window) } });
}
