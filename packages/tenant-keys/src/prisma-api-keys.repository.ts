import type { PrismaClient } from '@gatehouse/db';
import { generateApiKey } from './api-key.ts';
import type { ApiKeyRecord, ApiKeyRepository } from './api-key-verifier.ts';

/** The Postgres `tenant_api_keys` table as an `ApiKeyRepository`: one indexed read by prefix. */
export function createPrismaApiKeyRepository(prisma: PrismaClient): ApiKeyRepository {
  return {
    async findByPrefix(prefix: string): Promise<ApiKeyRecord | undefined> {
      const row = await prisma.tenantApiKey.findUnique({
        where: { prefix },
        select: {
          id: true,
          tenantId: true,
          secretHash: true,
          revokedAt: true,
          lastUsedAt: true,
          tenant: { select: { status: true, stripeAccountId: true } },
        },
      });
      if (!row) return undefined;
      return {
        id: row.id,
        tenantId: row.tenantId,
        secretHash: row.secretHash,
        revoked: row.revokedAt !== null,
        tenantStatus: row.tenant.status,
        tenantStripeAccountId: row.tenant.stripeAccountId,
        lastUsedAt: row.lastUsedAt,
      };
    },
    async touch(id: string): Promise<void> {
      await prisma.tenantApiKey.update({ where: { id }, data: { lastUsedAt: new Date() } });
    },
  };
}

/**
 * Admin bootstrap for tests and demos (not a public route): creates a tenant and its first API key and
 * returns the plaintext key — the only time it exists outside its owner's hands.
 */
export async function createTenantWithApiKey(
  prisma: PrismaClient,
  input: { slug: string; name: string; keyName?: string },
): Promise<{ tenantId: string; apiKey: string; apiKeyId: string }> {
  const generated = generateApiKey();
  const tenant = await prisma.tenant.create({
    data: {
      slug: input.slug,
      name: input.name,
      apiKeys: {
        create: {
          name: input.keyName ?? 'default',
          prefix: generated.prefix,
          secretHash: generated.secretHash,
        },
      },
    },
    include: { apiKeys: true },
  });
  return { tenantId: tenant.id, apiKey: generated.key, apiKeyId: tenant.apiKeys[0]!.id };
}
