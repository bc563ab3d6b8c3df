import { randomBytes } from 'node:crypto';
import { errors } from '@gatehouse/errors';
import { found } from './found.ts';
import { normalizeHostname } from './hostname.ts';

export type CustomDomainStatus = 'pending' | 'active' | 'failed' | 'removing';

/** A host name a creator points at the platform; the Kubernetes reconciler moves its status along. */
export interface CustomDomain {
  id: string;
  hostname: string;
  status: CustomDomainStatus;
  /** Proves ownership (the reconciler looks for it before issuing a certificate). */
  verificationToken: string;
  verifiedAt: Date | null;
  createdAt: Date;
}

/** Custom domains in storage, scoped by tenant. `create` throws `hostnameTaken()` for a registered name. */
export interface CustomDomainsRepository {
  create(tenantId: string, domain: { hostname: string; verificationToken: string }): Promise<CustomDomain>;
  /** Ordered by host name. */
  list(tenantId: string): Promise<CustomDomain[]>;
  find(tenantId: string, domainId: string): Promise<CustomDomain | undefined>;
  markRemoving(tenantId: string, domainId: string): Promise<CustomDomain | undefined>;
}

export const hostnameTaken = () => errors.conflict('this hostname is already registered');

export interface CustomDomainsService {
  register(tenantId: string, hostname: string): Promise<CustomDomain>;
  list(tenantId: string): Promise<CustomDomain[]>;
  get(tenantId: string, domainId: string): Promise<CustomDomain>;
  /** Marks the domain for removal; the reconciler tears down route and certificate, then deletes it. */
  remove(tenantId: string, domainId: string): Promise<CustomDomain>;
}

export function createCustomDomainsService(domains: CustomDomainsRepository): CustomDomainsService {
  return {
    async register(tenantId, hostname) {
      const normalized = normalizeHostname(hostname);
      if (!normalized.ok) throw errors.validation(`hostname ${normalized.reason}`);
      const verificationToken = randomBytes(18).toString('base64url');
      return domains.create(tenantId, { hostname: normalized.hostname, verificationToken });
    },
    list: (tenantId) => domains.list(tenantId),
    get: async (tenantId, domainId) => found(await domains.find(tenantId, domainId), 'domain'),
    remove: async (tenantId, domainId) => found(await domains.markRemoving(tenantId, domainId), 'domain'),
  };
}
