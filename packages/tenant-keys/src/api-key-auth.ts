import type { ApiKeyVerifier } from './api-key-verifier.ts';

/**
 * The part of a request the tenant API hook reads and writes. Typed structurally (a Fastify request
 * fits it) so the package does not depend on fastify; each service declares `tenantId` on its
 * `FastifyRequest`.
 */
export interface TenantKeyedRequest {
  readonly method: string;
  readonly headers: {
    authorization?: string | undefined;
    cookie?: string | undefined;
    'x-csrf-token'?: string | string[] | undefined;
  };
  readonly log: { warn(details: { err: unknown }, message: string): void };
  tenantId: string;
}

/** The tenant a request acts for, whichever credential it carried. */
export interface TenantPrincipal {
  tenantId: string;
  tenantStripeAccountId: string | null;
}

/**
 * The dashboard's session credential (`@gatehouse/sign-in`'s `creatorSessionsFromPrisma` fits): the
 * `gh_studio` cookie checked against Postgres, with the CSRF header required on writes.
 */
export interface TenantSessionAuthenticator {
  hasCookie(request: Pick<TenantKeyedRequest, 'headers'>): boolean;
  /** 401 without a live session, 403 `csrf_invalid` for a write without its CSRF token. */
  authenticate(request: Pick<TenantKeyedRequest, 'method' | 'headers'>): Promise<TenantPrincipal>;
}

/**
 * The one credential check of the tenant APIs: `Authorization: Bearer ghk_…` (scripts, the CLI) or,
 * when no Authorization header is sent and `sessions` is given, the dashboard's session cookie. An
 * Authorization header always wins: browsers never add one on their own, so it needs no CSRF token.
 */
export async function authenticateTenant(
  keys: Pick<ApiKeyVerifier, 'verify'>,
  sessions: TenantSessionAuthenticator | undefined,
  request: Omit<TenantKeyedRequest, 'tenantId'>,
): Promise<TenantPrincipal> {
  if (sessions && request.headers.authorization === undefined && sessions.hasCookie(request)) {
    return sessions.authenticate(request);
  }
  const record = await keys.verify(request.headers.authorization, (error) =>
    request.log.warn({ err: error }, 'could not record API key use'),
  );
  return { tenantId: record.tenantId, tenantStripeAccountId: record.tenantStripeAccountId };
}

/** onRequest hook: an API key or (with `sessions`) the session cookie → request.tenantId, else 401/403. */
export function apiKeyAuthenticator(
  keys: Pick<ApiKeyVerifier, 'verify'>,
  sessions?: TenantSessionAuthenticator,
) {
  return async (request: TenantKeyedRequest): Promise<void> => {
    request.tenantId = (await authenticateTenant(keys, sessions, request)).tenantId;
  };
}
