import type { ApiKeySummary, TenantRecord } from '../domain/identity.ports.ts';

/** Domain records → JSON answers (dates as ISO strings). */
const iso = (date: Date | null) => (date === null ? null : date.toISOString());

export const apiKeyDto = (key: ApiKeySummary) => ({
  id: key.id,
  name: key.name,
  prefix: key.prefix,
  createdAt: key.createdAt.toISOString(),
  lastUsedAt: iso(key.lastUsedAt),
  revokedAt: iso(key.revokedAt),
});

export const tenantDto = (tenant: TenantRecord) => ({ ...tenant, createdAt: tenant.createdAt.toISOString() });
