import { isUniqueViolation, type PrismaClient } from '@gatehouse/db';
import { errors } from '@gatehouse/errors';
import type { IdentityStore, Membership, TenantAdminStore, TenantRecord } from '../domain/identity.ports.ts';

const tenantColumns = {
  id: true,
  slug: true,
  name: true,
  status: true,
  chargesEnabled: true,
  detailsSubmitted: true,
  stripeAccountId: true,
  applicationFeeBps: true,
  createdAt: true,
} as const;
const userColumns = { id: true, email: true, name: true } as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Postgres users, memberships and tenants as the web domain's `IdentityStore` and `TenantAdminStore`. */
export function createIdentityRepository(prisma: PrismaClient): IdentityStore & TenantAdminStore {
  return {
    async findUserByEmail(email) {
      return (await prisma.user.findUnique({ where: { email }, select: userColumns })) ?? undefined;
    },
    async findUser(id) {
      return (await prisma.user.findUnique({ where: { id }, select: userColumns })) ?? undefined;
    },
    async memberships(userId): Promise<Membership[]> {
      const rows = await prisma.tenantMember.findMany({
        where: { userId, tenant: { status: { not: 'closed' } } },
        select: { role: true, createdAt: true, tenant: { select: { id: true, slug: true, name: true } } },
        orderBy: [{ role: 'asc' }, { createdAt: 'asc' }],
      });
      return rows.map((row) => ({
        tenantId: row.tenant.id,
        slug: row.tenant.slug,
        name: row.tenant.name,
        role: row.role,
      }));
    },
    async findTenant(id) {
      if (!UUID.test(id)) return undefined;
      return (await prisma.tenant.findUnique({ where: { id }, select: tenantColumns })) ?? undefined;
    },
    async findTenantByRef(ref) {
      const where = UUID.test(ref) ? { id: ref } : { slug: ref };
      return (await prisma.tenant.findUnique({ where, select: tenantColumns })) ?? undefined;
    },
    async listTenants(): Promise<TenantRecord[]> {
      return prisma.tenant.findMany({ select: tenantColumns, orderBy: { createdAt: 'asc' } });
    },
    async createTenantWithOwner(input) {
      try {
        // One transaction: a taken slug leaves no user or membership behind.
        return await prisma.$transaction(async (tx) => {
          const owner = await tx.user.upsert({
            where: { email: input.ownerEmail },
            create: { email: input.ownerEmail },
            update: {},
            select: userColumns,
          });
          const tenant = await tx.tenant.create({
            data: {
              slug: input.slug,
              name: input.name,
              members: { create: { userId: owner.id, role: 'owner' } },
            },
            select: tenantColumns,
          });
          return { tenant, owner };
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw errors.conflict(`the slug "${input.slug}" is already taken`);
        throw error;
      }
    },
    async updateTenant(id, changes) {
      return prisma.tenant.update({ where: { id }, data: changes, select: tenantColumns });
    },
    async addMember(tenantId, email, role) {
      return prisma.$transaction(async (tx) => {
        const user = await tx.user.upsert({
          where: { email },
          create: { email },
          update: {},
          select: userColumns,
        });
        const member = await tx.tenantMember.upsert({
          where: { tenantId_userId: { tenantId, userId: user.id } },
          create: { tenantId, userId: user.id, role },
          update: {},
          select: { role: true },
        });
        return { user, role: member.role };
      });
    },
  };
}
