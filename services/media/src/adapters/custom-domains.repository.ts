import { isUniqueViolation, type PrismaClient } from '@gatehouse/db';
import { type CustomDomainsRepository, hostnameTaken } from '../domain/custom-domains.service.ts';

/** Custom domain rows in Postgres; the Kubernetes reconciler reads the same rows. */
export function createCustomDomainsRepository(prisma: PrismaClient): CustomDomainsRepository {
  return {
    create: (tenantId, domain) =>
      prisma.customDomain.create({ data: { tenantId, ...domain } }).catch((error: unknown) => {
        throw isUniqueViolation(error) ? hostnameTaken() : error;
      }),
    list: (tenantId) => prisma.customDomain.findMany({ where: { tenantId }, orderBy: { hostname: 'asc' } }),
    find: async (tenantId, domainId) =>
      (await prisma.customDomain.findFirst({ where: { id: domainId, tenantId } })) ?? undefined,
    async markActive(tenantId, domainId, verifiedAt) {
      const [domain] = await prisma.customDomain.updateManyAndReturn({
        where: { id: domainId, tenantId, status: { in: ['pending', 'failed'] } },
        data: { status: 'active', verifiedAt },
      });
      return domain;
    },
    async delete(tenantId, domainId) {
      const [domain] = await prisma.customDomain.findMany({ where: { id: domainId, tenantId } });
      if (!domain) return undefined;
      const { count } = await prisma.customDomain.deleteMany({ where: { id: domainId, tenantId } });
      return count === 0 ? undefined : domain;
    },
  };
}
