import type { PrismaClient } from '@gatehouse/db';
import type { CheckoutRepository, SellingTenant } from '../domain/checkout.port.ts';

const tenantSelect = {
  id: true,
  slug: true,
  status: true,
  stripeAccountId: true,
  chargesEnabled: true,
  applicationFeeBps: true,
} as const;

const selling = (
  tenant: {
    id: string;
    slug: string;
    status: string;
    stripeAccountId: string | null;
    chargesEnabled: boolean;
    applicationFeeBps: number;
  } | null,
): SellingTenant | null =>
  tenant && {
    id: tenant.id,
    slug: tenant.slug,
    active: tenant.status === 'active',
    stripeAccountId: tenant.stripeAccountId,
    chargesEnabled: tenant.chargesEnabled,
    applicationFeeBps: tenant.applicationFeeBps,
  };

/** What Checkout and the customer portal read, over Prisma. */
export function createCheckoutRepository(prisma: PrismaClient): CheckoutRepository {
  return {
    findTenantById: async (id) =>
      selling(await prisma.tenant.findUnique({ where: { id }, select: tenantSelect })),
    findTenantBySlug: async (slug) =>
      selling(await prisma.tenant.findUnique({ where: { slug }, select: tenantSelect })),
    findPlan: (tenantId, planId) =>
      prisma.plan.findFirst({
        where: { id: planId, tenantId },
        select: { id: true, stripePriceId: true, active: true, trialDays: true, allowPromotionCodes: true },
      }),
    async showExists(tenantId, slug) {
      return (await prisma.show.count({ where: { tenantId, slug } })) > 0;
    },
    async defaultShowSlug(tenantId, planId) {
      const granted = await prisma.show.findFirst({
        where: {
          tenantId,
          OR: [{ grants: { some: { planId } } }, { episodes: { some: { grants: { some: { planId } } } } }],
        },
        select: { slug: true },
        orderBy: { createdAt: 'asc' },
      });
      if (granted) return granted.slug;
      const first = await prisma.show.findFirst({
        where: { tenantId },
        select: { slug: true },
        orderBy: { createdAt: 'asc' },
      });
      return first?.slug ?? null;
    },
    findSubscriber: (tenantId, subscriberId) =>
      prisma.subscriber.findFirst({
        where: { id: subscriberId, tenantId },
        select: { id: true, email: true, stripeCustomerId: true },
      }),
  };
}
