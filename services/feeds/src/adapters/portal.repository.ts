import type { PrismaClient } from '@gatehouse/db';
import type { PortalStore } from '../domain/portal-service.ts';

export function createPortalStore(prisma: PrismaClient): PortalStore {
  return {
    async findTenantBySlug(slug) {
      const tenant = await prisma.tenant.findUnique({
        where: { slug },
        select: { id: true, slug: true, name: true, status: true },
      });
      return tenant && tenant.status === 'active'
        ? { id: tenant.id, slug: tenant.slug, name: tenant.name }
        : undefined;
    },
    async findSubscriberByEmail(tenantId, email) {
      const subscriber = await prisma.subscriber.findUnique({
        where: { tenantId_email: { tenantId, email } },
        select: { id: true, email: true },
      });
      return subscriber ?? undefined;
    },
    async findSubscriberByCustomer(customerId, tenantSlug) {
      const rows = await prisma.subscriber.findMany({
        where: { stripeCustomerId: customerId, ...(tenantSlug ? { tenant: { slug: tenantSlug } } : {}) },
        select: { id: true, tenantId: true },
        take: 2,
      });
      return rows.map((row) => ({ id: row.id, tenantId: row.tenantId }));
    },
    async tenantStripeAccount(tenantSlug) {
      const tenant = await prisma.tenant.findUnique({
        where: { slug: tenantSlug },
        select: { stripeAccountId: true },
      });
      return tenant ? tenant.stripeAccountId : undefined;
    },
    async createMagicLink(link) {
      await prisma.magicLink.create({ data: link });
    },
    async consumeMagicLink(tokenHash, now) {
      // One conditional UPDATE: two clicks racing cannot both sign in.
      const updated = await prisma.magicLink.updateMany({
        where: { tokenHash, usedAt: null, expiresAt: { gt: now } },
        data: { usedAt: now },
      });
      if (updated.count !== 1) return undefined;
      const link = await prisma.magicLink.findUnique({
        where: { tokenHash },
        select: { tenantId: true, subscriberId: true },
      });
      return link ?? undefined;
    },
    async createSession(session) {
      await prisma.portalSession.create({ data: session });
    },
    async findSession(idHash, now) {
      const session = await prisma.portalSession.findUnique({
        where: { idHash },
        select: { tenantId: true, subscriberId: true, expiresAt: true },
      });
      if (!session || session.expiresAt <= now) return undefined;
      return { tenantId: session.tenantId, subscriberId: session.subscriberId };
    },
    async deleteSession(idHash) {
      await prisma.portalSession.deleteMany({ where: { idHash } });
    },
    async loadAccount(subscriberId) {
      const subscriber = await prisma.subscriber.findUnique({
        where: { id: subscriberId },
        select: {
          email: true,
          tenantId: true,
          stripeCustomerId: true,
          tenant: { select: { name: true, stripeAccountId: true } },
        },
      });
      if (!subscriber) return undefined;
      return {
        email: subscriber.email,
        tenantId: subscriber.tenantId,
        tenantName: subscriber.tenant.name,
        stripeCustomerId: subscriber.stripeCustomerId,
        stripeAccountId: subscriber.tenant.stripeAccountId,
      };
    },
    async listShows(tenantId, showIds, episodeIds) {
      return prisma.show.findMany({
        where: {
          tenantId,
          OR: [{ id: { in: [...showIds] } }, { episodes: { some: { id: { in: [...episodeIds] } } } }],
        },
        select: { id: true, title: true },
        orderBy: { title: 'asc' },
      });
    },
  };
}
