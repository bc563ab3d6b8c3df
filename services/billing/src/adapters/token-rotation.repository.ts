import type { PrismaClient } from '@gatehouse/db';
import {
  type RotationInput,
  type RotationResult,
  rotateAccessToken as rotate,
  type TokenRotationStore,
} from '../domain/token-rotation.ts';
import { prismaUnitOfWork, transactionWriters } from './prisma-transaction.ts';

/** Token rotation's store over Prisma: one transaction per rotation. */
export function createTokenRotationStore(prisma: PrismaClient): TokenRotationStore {
  return prismaUnitOfWork(prisma, (tx) => ({
    ...transactionWriters(tx),
    async subscriberExists(tenantId, subscriberId) {
      return (await tx.subscriber.count({ where: { id: subscriberId, tenantId } })) > 0;
    },
    async advanceGeneration({ tenantId, subscriberId, rotatedAt, rotatedBy }) {
      await tx.accessCredential.upsert({
        where: { subscriberId },
        // No credential yet: its default generation 1 is the one in any snapshot so far; rotate past it.
        create: { tenantId, subscriberId, generation: 2, rotatedAt, rotatedBy },
        update: { generation: { increment: 1 }, rotatedAt, rotatedBy },
      });
    },
  }));
}

/**
 * Rotation straight over a Prisma client, without the HTTP app: the revocation pipeline test
 * (services/auth/test) drives the domain function this way.
 */
export const rotateAccessToken = (prisma: PrismaClient, input: RotationInput): Promise<RotationResult> =>
  rotate(createTokenRotationStore(prisma), input);
