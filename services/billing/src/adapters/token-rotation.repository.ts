import { bumpSubscriberAccess } from '@gatehouse/access-snapshot';
import type { PrismaClient } from '@gatehouse/db';
import { errors } from '@gatehouse/errors';
import { enqueueEvent } from '@gatehouse/outbox';

export type RotatedBy = 'subscriber' | 'creator';

/**
 * Resets a subscriber's feed token: the generation and the access version move in one
 * transaction with the `gh.access.token.rotated.v1` outbox row, so the new snapshot (carrying the
 * new generation) reaches the validity cache and every URL with the old generation answers 410.
 */
export async function rotateAccessToken(
  prisma: PrismaClient,
  input: { tenantId: string; subscriberId: string; rotatedBy: RotatedBy },
): Promise<{ subscriberId: string; generation: number; version: number }> {
  return prisma.$transaction(async (tx) => {
    const subscriber = await tx.subscriber.findFirst({
      where: { id: input.subscriberId, tenantId: input.tenantId },
      select: { id: true },
    });
    if (!subscriber) throw errors.notFound('subscriber');
    const rotatedAt = new Date();
    await tx.accessCredential.upsert({
      where: { subscriberId: subscriber.id },
      // No credential yet: its default generation 1 is the one in any snapshot so far; rotate past it.
      create: {
        tenantId: input.tenantId,
        subscriberId: subscriber.id,
        generation: 2,
        rotatedAt,
        rotatedBy: input.rotatedBy,
      },
      update: { generation: { increment: 1 }, rotatedAt, rotatedBy: input.rotatedBy },
    });
    const access = await bumpSubscriberAccess(tx, subscriber.id);
    await enqueueEvent(tx, 'gh.access.token.rotated.v1', {
      eventId: `rotated:${subscriber.id}:${access.version}`,
      occurredAt: rotatedAt.toISOString(),
      access,
      rotatedBy: input.rotatedBy,
    });
    return { subscriberId: subscriber.id, generation: access.generation, version: access.version };
  });
}
