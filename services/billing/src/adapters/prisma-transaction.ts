import { bumpSubscriberAccess } from '@gatehouse/access-snapshot';
import type { Prisma, PrismaClient } from '@gatehouse/db';
import { enqueueEvent } from '@gatehouse/outbox';
import type { AccessSnapshotWriter, OutboxWriter, UnitOfWork } from '../domain/transaction.port.ts';

export type Tx = Prisma.TransactionClient;

/**
 * A Prisma interactive transaction as the domain's unit of work: `bind` builds the repository over
 * the transaction client, so everything the domain writes through it commits together.
 */
export function prismaUnitOfWork<Repository>(
  prisma: PrismaClient,
  bind: (tx: Tx) => Repository,
  options?: { timeout: number; maxWait: number },
): UnitOfWork<Repository> {
  return {
    withTransaction: (work) => prisma.$transaction((tx) => work(bind(tx)), options),
  };
}

/** The outbox and access-snapshot writes every billing transaction shares. */
export const transactionWriters = (tx: Tx): OutboxWriter & AccessSnapshotWriter => ({
  enqueue: (subject, payload) => enqueueEvent(tx, subject, payload),
  bumpSubscriberAccess: (subscriberId) => bumpSubscriberAccess(tx, subscriberId),
});
