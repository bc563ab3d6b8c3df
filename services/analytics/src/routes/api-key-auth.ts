import type { ApiKeyVerifier } from '@gatehouse/tenant-keys';
import type { FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The tenant of the API key that authenticated the request; every query is scoped by it. */
    tenantId: string;
  }
}

/** onRequest hook for `/api/v1/analytics`: `Authorization: Bearer ghk_…` → request.tenantId, else 401/403. */
export function apiKeyAuthenticator(keys: ApiKeyVerifier) {
  return async (request: FastifyRequest) => {
    const record = await keys.verify(request.headers.authorization, (error) =>
      request.log.warn({ err: error }, 'could not record API key use'),
    );
    request.tenantId = record.tenantId;
  };
}
