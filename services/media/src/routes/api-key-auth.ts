import type { InternalTokenVerifier } from '@gatehouse/tenant-keys';
import type { FastifyRequest } from 'fastify';

// The API key hook is the shared one; this file gives Fastify's request the field it sets.
export { apiKeyAuthenticator } from '@gatehouse/tenant-keys';

declare module 'fastify' {
  interface FastifyRequest {
    /** The tenant of the API key that authenticated the `/api/v1` request; every query is scoped by it. */
    tenantId: string;
  }
}

/** onRequest hook for `/internal/…`: the shared service credential (INTERNAL_API_TOKEN), else 401. */
export function internalAuthenticator(internal: InternalTokenVerifier) {
  return async (request: FastifyRequest) => internal.verify(request.headers.authorization);
}
