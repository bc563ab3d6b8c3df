import { errors } from '@gatehouse/errors';
import type { FastifyRequest } from 'fastify';
import type { ApiKeyRepository } from '../adapters/tenants.repository.ts';
import { apiKeyMatches, apiKeyPrefix, bearerToken, hashApiKey } from '../domain/api-key.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The tenant of the API key that authenticated the request; every query is scoped by it. */
    tenantId: string;
  }
}

/** Compared against when the prefix is unknown, so an unknown key costs the same as a wrong one. */
const DUMMY_HASH = hashApiKey(`ghk_000000000000_${'A'.repeat(43)}`);
const TOUCH_EVERY_MS = 5 * 60 * 1000;

/** onRequest hook for `/api/v1`: `Authorization: Bearer ghk_…` → request.tenantId, else 401. */
export function apiKeyAuthenticator(keys: ApiKeyRepository) {
  return async (request: FastifyRequest) => {
    const key = bearerToken(request.headers.authorization);
    const prefix = key === undefined ? undefined : apiKeyPrefix(key);
    if (key === undefined || prefix === undefined)
      throw errors.unauthenticated('missing or malformed API key');
    const record = await keys.findByPrefix(prefix);
    const matches = apiKeyMatches(key, record?.secretHash ?? DUMMY_HASH);
    if (!record || !matches || record.revoked) throw errors.unauthenticated('invalid API key');
    if (record.tenantStatus !== 'active') throw errors.forbidden('tenant is not active');
    request.tenantId = record.tenantId;
    if (!record.lastUsedAt || Date.now() - record.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
      keys
        .touch(record.id)
        .catch((error: unknown) => request.log.warn({ err: error }, 'could not record API key use'));
    }
  };
}
