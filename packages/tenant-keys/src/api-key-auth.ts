import type { ApiKeyVerifier } from './api-key-verifier.ts';

/**
 * The part of a request the API key hook reads and writes. Typed structurally (a Fastify request
 * fits it) so the package does not depend on fastify; each service declares `tenantId` on its
 * `FastifyRequest`.
 */
export interface TenantKeyedRequest {
  readonly headers: { authorization?: string | undefined };
  readonly log: { warn(details: { err: unknown }, message: string): void };
  tenantId: string;
}

/** onRequest hook: `Authorization: Bearer ghk_…` → request.tenantId, else the verifier's 401/403. */
export function apiKeyAuthenticator(keys: Pick<ApiKeyVerifier, 'verify'>) {
  return async (request: TenantKeyedRequest): Promise<void> => {
    const record = await keys.verify(request.headers.authorization, (error) =>
      request.log.warn({ err: error }, 'could not record API key use'),
    );
    request.tenantId = record.tenantId;
  };
}
