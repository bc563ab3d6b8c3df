import { errors } from '@gatehouse/errors';
import { readCookie } from './cookies.ts';
import { createSessions, DEFAULT_SESSION_POLICY, type SessionPolicy, type SessionStore } from './sessions.ts';

/** The dashboard's session cookie (Path=/: the same cookie reaches /web, /api and /billing). */
export const CREATOR_SESSION_COOKIE = 'gh_studio';
/** The header a session-authenticated write must carry. */
export const CSRF_HEADER = 'x-csrf-token';

/** What a creator session is created with. */
export interface CreatorSessionStart {
  userId: string;
  /** The tenant the dashboard acts on. */
  tenantId: string;
}

/** What a stored creator session resolves to. */
export interface CreatorSessionFound extends CreatorSessionStart {
  tenantStatus: 'active' | 'suspended' | 'closed';
  tenantStripeAccountId: string | null;
  /** The user is (still) a member of the session's tenant. */
  isMember: boolean;
}

export interface CreatorSessionStore extends SessionStore<CreatorSessionStart, CreatorSessionFound> {
  /** Points the session at another tenant (the caller checked the membership). */
  switchTenant(idHash: string, tenantId: string): Promise<void>;
}

/** The parts of an HTTP request a session check reads (a Fastify request fits). */
export interface SessionRequest {
  readonly method: string;
  readonly headers: { cookie?: string | undefined; [CSRF_HEADER]?: string | string[] | undefined };
}

/** The tenant a creator session acts for. */
export interface CreatorPrincipal {
  userId: string;
  tenantId: string;
  tenantStripeAccountId: string | null;
}

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? undefined : value);

/** Creators' dashboard sessions: the generic sessions plus the checks every tenant API applies. */
export function createCreatorSessions(
  store: CreatorSessionStore,
  policy: SessionPolicy = DEFAULT_SESSION_POLICY,
  clock: () => number = Date.now,
) {
  const sessions = createSessions(store, policy, clock);
  return {
    ...sessions,
    switchTenant: (idHash: string, tenantId: string) => store.switchTenant(idHash, tenantId),

    /** Whether the request carries a session cookie at all (then it must authenticate by it). */
    hasCookie: (request: SessionRequest) =>
      readCookie(request.headers.cookie, CREATOR_SESSION_COOKIE) !== undefined,

    /**
     * The principal of a request authenticated by the `gh_studio` cookie: 401 `UNAUTHENTICATED` without a
     * live session (signed out, expired, membership removed), 403 `csrf_invalid` for a write without this
     * session's `X-CSRF-Token`, 403 `FORBIDDEN` when the tenant is not active.
     */
    async authenticate(request: SessionRequest): Promise<CreatorPrincipal> {
      const session = await sessions.resolve(readCookie(request.headers.cookie, CREATOR_SESSION_COOKIE));
      if (!session?.isMember) throw errors.unauthenticated('your session has ended; sign in again');
      sessions.checkCsrf(session, request.method, single(request.headers[CSRF_HEADER]));
      if (session.tenantStatus !== 'active') throw errors.forbidden('tenant is not active');
      return {
        userId: session.userId,
        tenantId: session.tenantId,
        tenantStripeAccountId: session.tenantStripeAccountId,
      };
    },
  };
}

export type CreatorSessions = ReturnType<typeof createCreatorSessions>;
