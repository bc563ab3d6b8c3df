/** What the reconciler needs to know about a tenant's custom domain (the `CustomDomain` row). */
export type CustomDomainStatus = 'pending' | 'active' | 'failed' | 'removing';

export interface CustomDomainRecord {
  id: string;
  tenantId: string;
  /** Lower-case host name, no port. */
  hostname: string;
  status: CustomDomainStatus;
}

/** Where domains come from: Postgres in production (prisma-domain-source.ts), a list in tests. */
export interface CustomDomainSource {
  listDomains(): Promise<CustomDomainRecord[]>;
}

/** Only verified domains get routed; pending, failed and removing ones must not have a route. */
export function isRouted(domain: CustomDomainRecord): boolean {
  return domain.status === 'active';
}
