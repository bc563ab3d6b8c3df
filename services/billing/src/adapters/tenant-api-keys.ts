import { createHash, timingSafeEqual } from 'node:crypto';
import type { PrismaClient } from '@gatehouse/db';
import { errors } from '@gatehouse/errors';

/**
 * The creators' API key check, same key format and storage as the media service
 * (`ghk_<12 hex prefix>_<43 base64url>`, only the sha256 of the whole key stored; see
 * services/media/src/domain/api-key.ts). The prefix finds the row, the hash is compared in
 * constant time; a revoked key or a non-active tenant is refused like an unknown key.
 */
const KEY_PATTERN = /^ghk_([a-f0-9]{12})_([A-Za-z0-9_-]{43})$/;

export interface AuthenticatedTenant {
  id: string;
  stripeAccountId: string | null;
}

export async function authenticateTenant(
  prisma: PrismaClient,
  authorization: string | undefined,
): Promise<AuthenticatedTenant> {
  const key = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  if (!key) throw errors.unauthenticated('missing API key (Authorization: Bearer ghk_…)');
  const prefix = KEY_PATTERN.exec(key)?.[1];
  if (!prefix) throw errors.unauthenticated('invalid API key');
  const row = await prisma.tenantApiKey.findUnique({
    where: { prefix },
    select: {
      secretHash: true,
      revokedAt: true,
      tenant: { select: { id: true, status: true, stripeAccountId: true } },
    },
  });
  const presented = createHash('sha256').update(key, 'utf8').digest();
  const stored = Buffer.from(row?.secretHash ?? '', 'hex');
  const matches = stored.length === presented.length && timingSafeEqual(presented, stored);
  if (!row || !matches || row.revokedAt !== null) throw errors.unauthenticated('invalid API key');
  if (row.tenant.status !== 'active') throw errors.forbidden('tenant is not active');
  return { id: row.tenant.id, stripeAccountId: row.tenant.stripeAccountId };
}
