import type { CustomDomainRecord, CustomDomainSource } from './domain-source.ts';

/**
 * The part of the Prisma client (`createPrismaClient` from @gatehouse/db) this source uses;
 * structural so the library does not load Prisma unless the Postgres adapter is used.
 */
export interface CustomDomainDelegate {
  customDomain: {
    findMany(args: {
      select: { id: true; tenantId: true; hostname: true; status: true };
      orderBy: { id: 'asc' };
    }): Promise<CustomDomainRecord[]>;
  };
}

/** Reads every CustomDomain row; the reconciler decides which ones get a route. */
export function prismaDomainSource(prisma: CustomDomainDelegate): CustomDomainSource {
  return {
    listDomains: () =>
      prisma.customDomain.findMany({
        select: { id: true, tenantId: true, hostname: true, status: true },
        orderBy: { id: 'asc' },
      }),
  };
}
