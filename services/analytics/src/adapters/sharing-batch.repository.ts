import type { Prisma, PrismaClient } from '@gatehouse/db';
import { automaticActionOf, detect } from '../domain/sharing/sharing-detection.ts';
import type { SharingAlertDraft } from '../domain/sharing/sharing-detector.ts';
import type { Observation } from '../domain/sharing/sharing-observation.ts';
import type { SharingSettings } from '../domain/sharing/sharing-settings.ts';
import type { SubscriberWindow } from '../domain/sharing/sharing-window.ts';
import { suspendForAlert } from './sharing.repository.ts';
import { closeAlert, evidenceOf, settingsFromRow, windowFromJson, windowToJson } from './sharing-rows.ts';

export interface SharingBatchResult {
  /** False when the batch was at or below the stored cursor (a redelivery): nothing was applied. */
  applied: boolean;
  alerts: SharingAlertDraft[];
  /** Resets recorded (the executor must run) and suspensions written (the relay must run). */
  resets: number;
  suspensions: number;
}

/**
 * Applies one batch of observations in one transaction together with the consumer's cursor: the
 * windows, the alerts they raised, the alerts they superseded, and the policy's actions. A batch whose
 * last sequence is not above the cursor was applied before (JetStream redelivered it after a crash
 * between commit and ack) and changes nothing, so every record counts exactly once.
 */
export function createSharingBatchRepository(prisma: PrismaClient, consumer: string) {
  return {
    async cursor(): Promise<bigint> {
      const row = await prisma.analyticsCursor.findUnique({ where: { consumer } });
      return row?.streamSeq ?? 0n;
    },

    apply(
      observations: readonly (Observation & { seq: bigint })[],
      lastSeq: bigint,
    ): Promise<SharingBatchResult> {
      return prisma.$transaction(
        async (tx) => {
          // The cursor row lock serialises batches of concurrent replicas of the consumer.
          await tx.$executeRaw`
            INSERT INTO analytics_cursors (consumer, stream_seq, updated_at) VALUES (${consumer}, 0, now())
            ON CONFLICT (consumer) DO NOTHING`;
          const [cursorRow] = await tx.$queryRaw<{ stream_seq: bigint }[]>`
            SELECT stream_seq FROM analytics_cursors WHERE consumer = ${consumer} FOR UPDATE`;
          const cursor = cursorRow?.stream_seq ?? 0n;
          const none = { applied: false, alerts: [], resets: 0, suspensions: 0 };
          if (lastSeq <= cursor) return none;
          const fresh = observations.filter((observation) => observation.seq > cursor);
          const result = await detectAndStore(tx, fresh);
          await tx.analyticsCursor.update({ where: { consumer }, data: { streamSeq: lastSeq } });
          return { applied: true, ...result };
        },
        { timeout: 30_000 },
      );
    },
  };
}

async function detectAndStore(tx: Prisma.TransactionClient, observations: readonly Observation[]) {
  const result = { alerts: [] as SharingAlertDraft[], resets: 0, suspensions: 0 };
  if (observations.length === 0) return result;
  // Only subscribers that exist under the record's tenant are watched (a deleted subscriber's late
  // records, or ids the edge could not have granted, are dropped).
  const ids = [...new Set(observations.map((observation) => observation.subscriberId))];
  const known = new Map(
    (await tx.subscriber.findMany({ where: { id: { in: ids } }, select: { id: true, tenantId: true } })).map(
      (row) => [row.id, row.tenantId],
    ),
  );
  const watched = observations.filter(
    (observation) => known.get(observation.subscriberId) === observation.tenantId,
  );
  if (watched.length === 0) return result;

  const tenants = [...new Set(watched.map((observation) => observation.tenantId))];
  const settingsRows = await tx.sharingSettings.findMany({ where: { tenantId: { in: tenants } } });
  const settings = new Map<string, SharingSettings>(
    tenants.map((tenantId) => [tenantId, settingsFromRow(null)]),
  );
  for (const row of settingsRows) settings.set(row.tenantId, settingsFromRow(row));

  const subscriberIds = [...new Set(watched.map((observation) => observation.subscriberId))];
  const stored = await tx.$queryRaw<{ subscriber_id: string; state: Prisma.JsonValue }[]>`
    SELECT subscriber_id, state FROM sharing_windows WHERE subscriber_id = ANY(${subscriberIds}::uuid[]) FOR UPDATE`;
  const windows = new Map<string, SubscriberWindow>(
    stored.map((row) => [row.subscriber_id, windowFromJson(row.state)]),
  );

  result.alerts = detect(watched, windows, (tenantId) => settings.get(tenantId)!);

  const tenantOf = new Map(watched.map((observation) => [observation.subscriberId, observation.tenantId]));
  for (const [subscriberId, window] of windows) {
    const tenantId = tenantOf.get(subscriberId);
    if (!tenantId) continue;
    const state = windowToJson(window);
    await tx.sharingWindow.upsert({
      where: { subscriberId },
      create: { subscriberId, tenantId, state },
      update: { state },
    });
  }

  for (const alert of result.alerts) {
    if (alert.supersedes)
      await tx.sharingAlert.updateMany({
        where: { id: alert.supersedes, status: 'open' },
        data: { status: 'superseded', closedAt: new Date() },
      });
    // The id is derived from the triggering record: a replayed alert is already there.
    const created = await tx.sharingAlert.createMany({
      data: [
        {
          id: alert.alertId,
          tenantId: alert.tenantId,
          subscriberId: alert.subscriberId,
          reasons: alert.reasons,
          networks: alert.counts.networks,
          apps: alert.counts.apps,
          episodeDownloads: alert.counts.episodeDownloads,
          evidence: evidenceOf(alert),
          triggerRecordId: alert.triggerRecordId,
          supersedes: alert.supersedes,
          firstSeen: new Date(alert.firstSeen),
          lastSeen: new Date(alert.lastSeen),
        },
      ],
      skipDuplicates: true,
    });
    if (created.count === 0) continue;
    const action = automaticActionOf(alert.policy);
    const target = { alertId: alert.alertId, tenantId: alert.tenantId, subscriberId: alert.subscriberId };
    if (action === 'reset') {
      await tx.sharingAction.createMany({
        data: [{ ...target, kind: 'reset', requestedBy: 'policy' }],
        skipDuplicates: true,
      });
      result.resets += 1;
    } else if (action === 'suspend' && (await suspendForAlert(tx, target, 'policy'))) {
      // Suspending answers the alert: it is resolved, and the window starts over.
      await closeAlert(tx, alert.alertId, alert.subscriberId, 'resolved');
      result.suspensions += 1;
    }
  }
  return result;
}
