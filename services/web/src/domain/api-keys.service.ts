import { errors } from '@gatehouse/errors';
import { generateApiKey } from '@gatehouse/tenant-keys';
import type { ApiKeyStore, ApiKeySummary } from './identity.ports.ts';

/** A tenant's API keys: listed without secrets, created with the plaintext shown once, revoked. */
export function createApiKeysService(store: ApiKeyStore, now: () => number = Date.now) {
  return {
    list: (tenantId: string) => store.list(tenantId),

    async create(tenantId: string, name: string): Promise<ApiKeySummary & { key: string }> {
      const trimmed = name.trim();
      if (!trimmed) throw errors.validation('name the key (e.g. "upload script")');
      const generated = generateApiKey();
      const summary = await store.create(tenantId, {
        name: trimmed,
        prefix: generated.prefix,
        secretHash: generated.secretHash,
      });
      return { ...summary, key: generated.key };
    },

    /** Another tenant's key id is 404, the same as an unknown one. */
    async revoke(tenantId: string, id: string): Promise<void> {
      if (!(await store.revoke(tenantId, id, new Date(now())))) throw errors.notFound('API key');
    },
  };
}

export type ApiKeysService = ReturnType<typeof createApiKeysService>;
