import type { PrismaClient } from '@gatehouse/db';
import type { ApiKeyStore } from '../domain/identity.ports.ts';

const summary = {
  id: true,
  name: true,
  prefix: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
} as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Postgres `tenant_api_keys`: every query scoped by the tenant, so another tenant's id finds nothing. */
export function createApiKeysRepository(prisma: PrismaClient): ApiKeyStore {
  return {
    list: (tenantId) =>
      prisma.tenantApiKey.findMany({ where: { tenantId }, select: summary, orderBy: { createdAt: 'desc' } }),
    create: (tenantId, key) => prisma.tenantApiKey.create({ data: { tenantId, ...key }, select: summary }),
    async revoke(tenantId, id, at) {
      if (!UUID.test(id)) return false;
      const key = await prisma.tenantApiKey.findFirst({
        where: { id, tenantId },
        select: { revokedAt: true },
      });
      if (!key) return false;
      if (key.revokedAt === null)
        await prisma.tenantApiKey.updateMany({
          where: { id, tenantId, revokedAt: null },
          data: { revokedAt: at },
        });
      return true;
    },
  };
}
