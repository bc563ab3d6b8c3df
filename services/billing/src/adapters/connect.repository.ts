import type { PrismaClient } from '@gatehouse/db';
import type { ConnectRepository } from '../domain/connect.port.ts';

/** Connect onboarding's reads and the one write (the account id), over the tenants table. */
export function createConnectRepository(prisma: PrismaClient): ConnectRepository {
  return {
    async status(tenantId) {
      const tenant = await prisma.tenant.findUnique({
        where: { id: tenantId },
        select: { stripeAccountId: true, chargesEnabled: true, detailsSubmitted: true },
      });
      return (
        tenant && {
          accountId: tenant.stripeAccountId,
          chargesEnabled: tenant.chargesEnabled,
          detailsSubmitted: tenant.detailsSubmitted,
        }
      );
    },
    async ownerEmail(tenantId) {
      const owner = await prisma.tenantMember.findFirst({
        where: { tenantId, role: 'owner' },
        select: { user: { select: { email: true } } },
        orderBy: { createdAt: 'asc' },
      });
      return owner?.user.email ?? null;
    },
    async hasPlans(tenantId) {
      return (await prisma.plan.count({ where: { tenantId } })) > 0;
    },
    async attachAccount(tenantId, accountId) {
      // Only a tenant without an account takes this one; a racing call keeps the first.
      await prisma.tenant.updateMany({
        where: { id: tenantId, stripeAccountId: null },
        data: { stripeAccountId: accountId },
      });
      const tenant = await prisma.tenant.findUniqueOrThrow({
        where: { id: tenantId },
        select: { stripeAccountId: true },
      });
      return tenant.stripeAccountId ?? accountId;
    },
  };
}
