// The web domain's ports: what sign-in, the operator API and API-key management need of Postgres and
// of mail. Adapters (src/adapters) implement them; nothing here knows Prisma or nodemailer.

export type TenantRole = 'owner' | 'member';

export interface UserRecord {
  id: string;
  email: string;
  name: string | null;
}

export interface Membership {
  tenantId: string;
  slug: string;
  name: string;
  role: TenantRole;
}

export interface TenantRecord {
  id: string;
  slug: string;
  name: string;
  status: 'active' | 'suspended' | 'closed';
  chargesEnabled: boolean;
  detailsSubmitted: boolean;
  stripeAccountId: string | null;
  applicationFeeBps: number;
  createdAt: Date;
}

export interface IdentityStore {
  findUserByEmail(email: string): Promise<UserRecord | undefined>;
  findUser(id: string): Promise<UserRecord | undefined>;
  /** The user's tenants, owners' first, then oldest membership first. */
  memberships(userId: string): Promise<Membership[]>;
  findTenant(id: string): Promise<TenantRecord | undefined>;
}

export interface TenantAdminStore {
  /** Creates the tenant, the owner's user (if new) and the membership in one transaction; 409 on a taken slug. */
  createTenantWithOwner(input: { slug: string; name: string; ownerEmail: string }): Promise<{
    tenant: TenantRecord;
    owner: UserRecord;
  }>;
  listTenants(): Promise<TenantRecord[]>;
  /** By id (uuid) or slug. */
  findTenantByRef(ref: string): Promise<TenantRecord | undefined>;
  updateTenant(id: string, changes: { name?: string; applicationFeeBps?: number }): Promise<TenantRecord>;
  /** Creates the user if new and the membership if missing (an existing role is kept). */
  addMember(
    tenantId: string,
    email: string,
    role: TenantRole,
  ): Promise<{ user: UserRecord; role: TenantRole }>;
}

export interface ApiKeySummary {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface ApiKeyStore {
  list(tenantId: string): Promise<ApiKeySummary[]>;
  create(tenantId: string, key: { name: string; prefix: string; secretHash: string }): Promise<ApiKeySummary>;
  /** Revokes a key of this tenant (idempotent); false when the tenant has no such key. */
  revoke(tenantId: string, id: string, at: Date): Promise<boolean>;
}

export interface Mailer {
  send(mail: { to: string; subject: string; text: string; html: string }): Promise<void>;
}
