import type { Prisma, PrismaClient } from '@gatehouse/db';
import { errors } from '@gatehouse/errors';
import type {
  SharingAlertFilter,
  SharingAlertView,
  SharingStore,
} from '../domain/sharing/sharing-service.ts';
import type { SharingSettings } from '../domain/sharing/sharing-settings.ts';
import { alertInclude, alertView, closeAlert, policyToDb, settingsFromRow } from './sharing-rows.ts';
import { setSuspended } from './sharing-suspension.ts';

/** The creators' side of sharing detection in Postgres: settings, alerts and the actions on them. */
export function createSharingRepository(prisma: PrismaClient): SharingStore {
  /** The alert, locked for the rest of the transaction; another tenant's alert is not found. */
  async function lockedAlert(tx: Prisma.TransactionClient, tenantId: string, alertId: string) {
    const rows = await tx.$queryRaw<{ id: string; subscriber_id: string; status: string }[]>`
      SELECT id, subscriber_id, status::text AS status FROM sharing_alerts
       WHERE id = ${alertId}::uuid AND tenant_id = ${tenantId}::uuid FOR UPDATE`;
    const row = rows[0];
    if (!row) throw errors.notFound('alert');
    return { id: row.id, subscriberId: row.subscriber_id, status: row.status };
  }

  /** An alert a reset or suspension may act on: any but a superseded one (act on its successor). */
  async function actionableAlert(tx: Prisma.TransactionClient, tenantId: string, alertId: string) {
    const alert = await lockedAlert(tx, tenantId, alertId);
    if (alert.status === 'superseded')
      throw errors.conflict('the alert was superseded by a newer one; act on that one');
    return alert;
  }

  async function view(tx: Prisma.TransactionClient, alertId: string): Promise<SharingAlertView> {
    return alertView(
      await tx.sharingAlert.findUniqueOrThrow({ where: { id: alertId }, include: alertInclude }),
    );
  }

  /**
   * Alerts and their actions are read by separate queries: one REPEATABLE READ snapshot keeps a
   * reset completing in between from showing its action done while its alert is still open.
   */
  function snapshot<T>(read: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    return prisma.$transaction(read, { isolationLevel: 'RepeatableRead' });
  }

  return {
    async settings(tenantId) {
      return settingsFromRow(await prisma.sharingSettings.findUnique({ where: { tenantId } }));
    },

    async saveSettings(tenantId, settings: SharingSettings) {
      const data = { ...settings, policy: policyToDb(settings.policy) };
      const row = await prisma.sharingSettings.upsert({
        where: { tenantId },
        create: { tenantId, ...data },
        update: data,
      });
      return settingsFromRow(row);
    },

    async listAlerts(tenantId, filter: SharingAlertFilter) {
      const rows = await snapshot((tx) =>
        tx.sharingAlert.findMany({
          where: {
            tenantId,
            ...(filter.status ? { status: filter.status } : {}),
            ...(filter.subscriberId ? { subscriberId: filter.subscriberId } : {}),
            ...(filter.before ? { createdAt: { lt: new Date(filter.before) } } : {}),
          },
          include: alertInclude,
          orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
          take: filter.limit,
        }),
      );
      return rows.map(alertView);
    },

    async findAlert(tenantId, alertId) {
      const row = await snapshot((tx) =>
        tx.sharingAlert.findFirst({ where: { id: alertId, tenantId }, include: alertInclude }),
      );
      return row ? alertView(row) : undefined;
    },

    dismiss(tenantId, alertId) {
      return prisma.$transaction(async (tx) => {
        const alert = await lockedAlert(tx, tenantId, alertId);
        if (alert.status !== 'open')
          throw errors.conflict(`the alert is ${alert.status}, only an open alert can be dismissed`);
        await closeAlert(tx, alert.id, alert.subscriberId, 'dismissed');
        return view(tx, alert.id);
      });
    },

    requestReset(tenantId, alertId) {
      return prisma.$transaction(async (tx) => {
        const alert = await actionableAlert(tx, tenantId, alertId);
        const existing = await tx.sharingAction.findUnique({
          where: { alertId_kind: { alertId: alert.id, kind: 'reset' } },
        });
        if (existing) throw errors.conflict('the feed URL was already reset for this alert');
        await tx.sharingAction.create({
          data: {
            alertId: alert.id,
            kind: 'reset',
            tenantId,
            subscriberId: alert.subscriberId,
            requestedBy: 'creator',
          },
        });
        return view(tx, alert.id);
      });
    },

    suspend(tenantId, alertId) {
      return prisma.$transaction(async (tx) => {
        const alert = await actionableAlert(tx, tenantId, alertId);
        const subscriber = await tx.subscriber.findUniqueOrThrow({
          where: { id: alert.subscriberId },
          select: { suspendedAt: true },
        });
        if (subscriber.suspendedAt) throw errors.conflict('the subscriber is already suspended');
        const target = { alertId: alert.id, tenantId, subscriberId: alert.subscriberId };
        if (!(await suspendForAlert(tx, target, 'creator')))
          throw errors.conflict(
            'the subscriber was already suspended for this alert; unsuspend is final for it',
          );
        if (alert.status === 'open') await closeAlert(tx, alert.id, alert.subscriberId, 'resolved');
        return view(tx, alert.id);
      });
    },

    async unsuspend(tenantId, subscriberId) {
      await prisma.$transaction(async (tx) => {
        const rows = await tx.$queryRaw<{ suspended_at: Date | null }[]>`
          SELECT suspended_at FROM subscribers
           WHERE id = ${subscriberId}::uuid AND tenant_id = ${tenantId}::uuid FOR UPDATE`;
        const row = rows[0];
        if (!row) throw errors.notFound('subscriber');
        if (!row.suspended_at) throw errors.conflict('the subscriber is not suspended');
        await setSuspended(tx, subscriberId, null);
      });
    },
  };
}

/**
 * Records the suspend action of an alert and suspends its subscriber, in the caller's transaction.
 * The action's key (alert, kind) makes it happen once per alert, whoever asks and however often a
 * batch is replayed. Returns false when the alert already had one.
 */
export async function suspendForAlert(
  tx: Prisma.TransactionClient,
  target: { alertId: string; tenantId: string; subscriberId: string },
  requestedBy: 'policy' | 'creator',
): Promise<boolean> {
  const inserted = await tx.sharingAction.createMany({
    data: [{ ...target, kind: 'suspend', requestedBy, state: 'done', completedAt: new Date() }],
    skipDuplicates: true,
  });
  if (inserted.count === 0) return false;
  const subscriber = await tx.subscriber.findUniqueOrThrow({
    where: { id: target.subscriberId },
    select: { suspendedAt: true },
  });
  if (!subscriber.suspendedAt) await setSuspended(tx, target.subscriberId, new Date());
  return true;
}
