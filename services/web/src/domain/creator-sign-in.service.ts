import { errors } from '@gatehouse/errors';
import {
  type AttemptLimiter,
  CREATOR_SESSION_COOKIE,
  type CreatorSessions,
  CSRF_HEADER,
  type MagicLinks,
  readCookie,
  type SessionRequest,
} from '@gatehouse/sign-in';
import { normalizeEmail } from './email-address.ts';
import type { IdentityStore, Mailer, Membership, TenantRole, UserRecord } from './identity.ports.ts';
import { confirmUrl, inviteMail, signInMail } from './sign-in-mail.ts';

/** What `GET /web/v1/session` answers (PRODUCT-PLAN "Sign-in and sessions"). */
export interface SessionView {
  user: { id: string; email: string; name: string | null };
  tenant: { id: string; slug: string; name: string; chargesEnabled: boolean; stripeAccountId: string | null };
  tenants: { id: string; slug: string; name: string; role: TenantRole }[];
  csrfToken: string;
}

/** A signed-in answer: the view plus the cookie to (re)send. */
export interface SignedIn {
  view: SessionView;
  cookie: { value: string; maxAgeSeconds: number };
}

export interface CreatorSignInDeps {
  identity: IdentityStore;
  /** One-time links whose subject is a user id. */
  links: MagicLinks<string>;
  sessions: CreatorSessions;
  mailer: Mailer;
  /** Sign-in mail per address (e.g. 5 per 15 minutes). */
  limiter: AttemptLimiter;
  baseUrl: string;
  signInLinkTtlSeconds: number;
  inviteLinkTtlSeconds: number;
  /** A background mail that failed (logged; the answer did not wait for it). */
  onMailError: (error: unknown) => void;
}

const csrfOf = (request: SessionRequest) => {
  const value = request.headers[CSRF_HEADER];
  return Array.isArray(value) ? undefined : value;
};

/** Creators' sign-in: magic links by mail, sessions in Postgres, the session view the dashboard reads. */
export function createCreatorSignIn(deps: CreatorSignInDeps) {
  const { identity, sessions } = deps;

  async function view(userId: string, tenantId: string, csrfToken: string): Promise<SessionView | undefined> {
    const [user, memberships, tenant] = await Promise.all([
      identity.findUser(userId),
      identity.memberships(userId),
      identity.findTenant(tenantId),
    ]);
    if (!user || !tenant || !memberships.some((m) => m.tenantId === tenantId)) return undefined;
    return {
      user: { id: user.id, email: user.email, name: user.name },
      tenant: {
        id: tenant.id,
        slug: tenant.slug,
        name: tenant.name,
        chargesEnabled: tenant.chargesEnabled,
        stripeAccountId: tenant.stripeAccountId,
      },
      tenants: memberships.map((m: Membership) => ({
        id: m.tenantId,
        slug: m.slug,
        name: m.name,
        role: m.role,
      })),
      csrfToken,
    };
  }

  /** The live session of a request, CSRF-checked for writes: 401 / 403 `csrf_invalid`. */
  async function requireSession(request: SessionRequest) {
    const secret = readCookie(request.headers.cookie, CREATOR_SESSION_COOKIE);
    const session = await sessions.resolve(secret);
    if (!secret || !session?.isMember) throw errors.unauthenticated('sign in to continue');
    sessions.checkCsrf(session, request.method, csrfOf(request));
    return { ...session, secret };
  }

  return {
    requireSession,

    /**
     * Mails a sign-in link when the address belongs to a creator; answers the same either way (no account
     * enumeration), and the mail goes out after the answer, so timing tells nothing either.
     */
    async requestLink(rawEmail: string): Promise<void> {
      const email = normalizeEmail(rawEmail);
      const limit = deps.limiter.attempt(email);
      if (!limit.allowed) {
        throw errors.tooManyRequests(
          `too many sign-in links were asked for this address; try again in ${Math.ceil(limit.retryAfterSeconds / 60)} minutes`,
        );
      }
      const deliver = async () => {
        const user = await identity.findUserByEmail(email);
        if (!user || (await identity.memberships(user.id)).length === 0) return;
        const { token } = await deps.links.issue(user.id, deps.signInLinkTtlSeconds);
        await deps.mailer.send(
          signInMail(user.email, confirmUrl(deps.baseUrl, token), Math.round(deps.signInLinkTtlSeconds / 60)),
        );
      };
      deliver().catch(deps.onMailError);
    },

    /** An invitation: a longer-lived one-time link to an invited member. Resolves false if the mail failed. */
    async invite(user: UserRecord, tenantName: string): Promise<boolean> {
      const { token } = await deps.links.issue(user.id, deps.inviteLinkTtlSeconds);
      const hours = Math.round(deps.inviteLinkTtlSeconds / 3600);
      try {
        await deps.mailer.send(inviteMail(user.email, confirmUrl(deps.baseUrl, token), tenantName, hours));
        return true;
      } catch (error) {
        deps.onMailError(error);
        return false;
      }
    },

    /** Spends a link and starts a session on the user's first tenant (owners' first). */
    async confirm(token: string): Promise<SignedIn> {
      const userId = await deps.links.consume(token);
      const [first] = await identity.memberships(userId);
      if (!first) throw errors.forbidden('this account is not a member of any creator any more');
      const started = await sessions.start({ userId, tenantId: first.tenantId });
      const signedIn = await view(userId, first.tenantId, started.csrfToken);
      if (!signedIn) throw errors.unauthenticated('sign in again');
      return { view: signedIn, cookie: { value: started.secret, maxAgeSeconds: started.maxAgeSeconds } };
    },

    /** The session of a request (401 without one); the cookie is re-sent so its lifetime follows renewals. */
    async current(request: SessionRequest): Promise<SignedIn> {
      const session = await requireSession(request);
      const current = await view(session.userId, session.tenantId, session.csrfToken);
      if (!current) throw errors.unauthenticated('sign in to continue');
      return { view: current, cookie: { value: session.secret, maxAgeSeconds: session.maxAgeSeconds } };
    },

    /** Switches the session's tenant; a tenant the user is not a member of is 404 (not leaked). */
    async switchTenant(request: SessionRequest, tenantId: string): Promise<SessionView> {
      const session = await requireSession(request);
      const memberships = await identity.memberships(session.userId);
      if (!memberships.some((m) => m.tenantId === tenantId)) throw errors.notFound('tenant');
      await sessions.switchTenant(session.idHash, tenantId);
      const switched = await view(session.userId, tenantId, session.csrfToken);
      if (!switched) throw errors.notFound('tenant');
      return switched;
    },

    /** Ends the request's session if it has one (a live session must send its CSRF token). */
    async signOut(request: SessionRequest): Promise<void> {
      const secret = readCookie(request.headers.cookie, CREATOR_SESSION_COOKIE);
      const session = await sessions.resolve(secret);
      if (session === undefined) return;
      // Even a session whose membership ended is ended here, but only by a request carrying its token.
      sessions.checkCsrf(session, request.method, csrfOf(request));
      await sessions.end(secret);
    },
  };
}

export type CreatorSignIn = ReturnType<typeof createCreatorSignIn>;
