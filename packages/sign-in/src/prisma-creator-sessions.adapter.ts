import type { PrismaClient } from '@gatehouse/db';
import { type CreatorSessionStore, createCreatorSessions } from './creator-sessions.ts';

/** Postgres `creator_sessions` as a `CreatorSessionStore` (the only file of this package that knows Prisma). */
export function createPrismaCreatorSessionStore(prisma: PrismaClient): CreatorSessionStore {
  return {
    async create(session) {
      await prisma.creatorSession.create({
        data: {
          idHash: session.idHash,
          userId: session.userId,
          tenantId: session.tenantId,
          csrfHash: session.csrfHash,
          expiresAt: session.expiresAt,
          lastSeenAt: session.now,
          createdAt: session.now,
        },
      });
    },
    async find(idHash) {
      const row = await prisma.creatorSession.findUnique({
        where: { idHash },
        select: {
          userId: true,
          tenantId: true,
          csrfHash: true,
          expiresAt: true,
          lastSeenAt: true,
          createdAt: true,
          tenant: { select: { status: true, stripeAccountId: true } },
        },
      });
      if (!row) return undefined;
      const member = await prisma.tenantMember.findUnique({
        where: { tenantId_userId: { tenantId: row.tenantId, userId: row.userId } },
        select: { role: true },
      });
      return {
        userId: row.userId,
        tenantId: row.tenantId,
        csrfHash: row.csrfHash,
        expiresAt: row.expiresAt,
        lastSeenAt: row.lastSeenAt,
        createdAt: row.createdAt,
        tenantStatus: row.tenant.status,
        tenantStripeAccountId: row.tenant.stripeAccountId,
        isMember: member !== null,
      };
    },
    async renew(idHash, expiresAt, lastSeenAt) {
      await prisma.creatorSession.updateMany({ where: { idHash }, data: { expiresAt, lastSeenAt } });
    },
    async delete(idHash) {
      await prisma.creatorSession.deleteMany({ where: { idHash } });
    },
    async switchTenant(idHash, tenantId) {
      await prisma.creatorSession.updateMany({ where: { idHash }, data: { tenantId } });
    },
  };
}

/** Creator sessions backed by Postgres: what media, billing and analytics hand to their API hooks. */
export const creatorSessionsFromPrisma = (prisma: PrismaClient) =>
  createCreatorSessions(createPrismaCreatorSessionStore(prisma));
