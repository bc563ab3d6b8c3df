import type { SharingReason } from './sharing-detector.ts';
import type { SharingSettings } from './sharing-settings.ts';
import type { WindowCounts } from './sharing-window.ts';

export type SharingAlertStatus = 'open' | 'dismissed' | 'resolved' | 'superseded';

export interface SharingActionView {
  kind: 'reset' | 'suspend';
  state: 'pending' | 'rotated' | 'done' | 'failed';
  requestedBy: 'policy' | 'creator';
  createdAt: string;
  completedAt: string | null;
  lastError: string | null;
}

/** An alert as the creator sees it: the status, and why it was raised. */
export interface SharingAlertView {
  id: string;
  subscriberId: string;
  status: SharingAlertStatus;
  reasons: SharingReason[];
  counts: WindowCounts;
  networks: { network: string; firstSeen: string; lastSeen: string; requests: number }[];
  apps: { app: string; firstSeen: string; lastSeen: string; requests: number }[];
  episodes: { episodeId: string; downloads: number }[];
  firstSeen: string;
  lastSeen: string;
  createdAt: string;
  closedAt: string | null;
  supersedes: string | null;
  settings: SharingSettings;
  actions: SharingActionView[];
}

export interface SharingAlertFilter {
  status?: SharingAlertStatus;
  subscriberId?: string;
  limit: number;
  /** Alerts created strictly before this instant (paging, newest first). */
  before?: string;
}

/**
 * Persistence of alerts, settings and actions (Postgres). Every method is scoped by tenant: another
 * tenant's alert or subscriber is "not found". State changes are single transactions that either
 * apply completely or throw (404 unknown, 409 not allowed in the current state).
 */
export interface SharingStore {
  settings(tenantId: string): Promise<SharingSettings>;
  saveSettings(tenantId: string, settings: SharingSettings): Promise<SharingSettings>;
  listAlerts(tenantId: string, filter: SharingAlertFilter): Promise<SharingAlertView[]>;
  findAlert(tenantId: string, alertId: string): Promise<SharingAlertView | undefined>;
  /** open → dismissed; the subscriber's window forgets what raised it. */
  dismiss(tenantId: string, alertId: string): Promise<SharingAlertView>;
  /** Records a pending feed-URL reset for the alert (one per alert). */
  requestReset(tenantId: string, alertId: string): Promise<SharingAlertView>;
  /** Suspends the alert's subscriber (snapshot + outbox event in one transaction); resolves the alert. */
  suspend(tenantId: string, alertId: string): Promise<SharingAlertView>;
  /** Lifts a suspension (snapshot + outbox event in one transaction). */
  unsuspend(tenantId: string, subscriberId: string): Promise<void>;
}

export interface SharingServiceDeps {
  store: SharingStore;
  /** Wakes the reset executor (a reset was recorded). */
  resetRequested(): void;
  /** Wakes the outbox relay (an access snapshot changed). */
  accessChanged(): void;
}

/** What the creators' sharing API does; the routes call nothing else. */
export function createSharingService(deps: SharingServiceDeps) {
  const { store } = deps;
  return {
    settings: (tenantId: string) => store.settings(tenantId),
    saveSettings: (tenantId: string, settings: SharingSettings) => store.saveSettings(tenantId, settings),
    listAlerts: (tenantId: string, filter: SharingAlertFilter) => store.listAlerts(tenantId, filter),
    findAlert: (tenantId: string, alertId: string) => store.findAlert(tenantId, alertId),
    dismiss: (tenantId: string, alertId: string) => store.dismiss(tenantId, alertId),
    async reset(tenantId: string, alertId: string) {
      const alert = await store.requestReset(tenantId, alertId);
      deps.resetRequested();
      return alert;
    },
    async suspend(tenantId: string, alertId: string) {
      const alert = await store.suspend(tenantId, alertId);
      deps.accessChanged();
      return alert;
    },
    async unsuspend(tenantId: string, subscriberId: string) {
      await store.unsuspend(tenantId, subscriberId);
      deps.accessChanged();
    },
  };
}

export type SharingService = ReturnType<typeof createSharingService>;
