// The hook itself is the shared one; this file gives Fastify's request the field it sets.
export { apiKeyAuthenticator } from '@gatehouse/tenant-keys';

declare module 'fastify' {
  interface FastifyRequest {
    /** The tenant of the API key that authenticated `/api/v1/analytics`; every query is scoped by it. */
    tenantId: string;
  }
}
