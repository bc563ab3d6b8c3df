import { bumpSubscriberAccess } from '@gatehouse/access-snapshot';
import type { Prisma } from '@gatehouse/db';
import { enqueueEvent } from '@gatehouse/outbox';

/**
 * Suspends (`at`) or lifts the suspension (`null`) of a subscriber inside the caller's transaction,
 * the way billing rotates a token: the column, the access version and the outbox row with the new
 * snapshot commit together, so the auth projector applies the change (by version) within a second
 * of the relay being woken, and never applies one that did not commit.
 */
export async function setSuspended(
  tx: Prisma.TransactionClient,
  subscriberId: string,
  at: Date | null,
): Promise<void> {
  await tx.subscriber.update({ where: { id: subscriberId }, data: { suspendedAt: at } });
  const access = await bumpSubscriberAccess(tx, subscriberId);
  await enqueueEvent(tx, 'gh.access.subscriber.changed.v1', {
    eventId: `${at ? 'suspended' : 'unsuspended'}:${subscriberId}:${access.version}`,
    occurredAt: (at ?? new Date()).toISOString(),
    access,
  });
}
