import { observe, type SharingAlertDraft } from './sharing-detector.ts';
import { type AppOf, type EdgeRecordFacts, type Observation, observationOf } from './sharing-observation.ts';
import type { SharingPolicy, SharingSettings } from './sharing-settings.ts';
import { emptyWindow, type SubscriberWindow } from './sharing-window.ts';

/** The observations of a batch of records, in stream order (records that say nothing are dropped). */
export function observationsOf(records: readonly EdgeRecordFacts[], appOf: AppOf): Observation[] {
  const observations: Observation[] = [];
  for (const record of records) {
    const observation = observationOf(record, appOf);
    if (observation) observations.push(observation);
  }
  return observations;
}

/**
 * Runs a batch of observations, in order, through the subscribers' windows (`windows` holds the
 * stored ones; a subscriber without one starts empty and is added). Returns the alerts raised, in
 * order; `windows` is updated in place and is what must be stored with the batch's last sequence.
 */
export function detect(
  observations: readonly Observation[],
  windows: Map<string, SubscriberWindow>,
  settingsOf: (tenantId: string) => SharingSettings,
): SharingAlertDraft[] {
  const alerts: SharingAlertDraft[] = [];
  for (const observation of observations) {
    let window = windows.get(observation.subscriberId);
    if (!window) {
      window = emptyWindow();
      windows.set(observation.subscriberId, window);
    }
    const alert = observe(window, observation, settingsOf(observation.tenantId));
    if (alert) alerts.push(alert);
  }
  return alerts;
}

export type SharingAction = 'reset' | 'suspend';

/** What the creator's policy does on its own when an alert is raised. */
export function automaticActionOf(policy: SharingPolicy): SharingAction | null {
  if (policy === 'alert+reset') return 'reset';
  if (policy === 'suspend') return 'suspend';
  return null;
}
