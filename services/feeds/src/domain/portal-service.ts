import { errors } from '@gatehouse/errors';
import { csrfMatches, csrfTokenFor, isSecretShaped, newSecret, sha256Hex } from '@gatehouse/sign-in';
import { issueAccessToken, type Keyring } from '@gatehouse/tokens';
import type { AccessStore } from './feed-service.ts';

/** Portal persistence (Postgres: MagicLink, PortalSession, Subscriber, Show). */
export interface PortalStore {
  findTenantBySlug(slug: string): Promise<{ id: string; slug: string; name: string } | undefined>;
  findSubscriberByEmail(tenantId: string, email: string): Promise<{ id: string; email: string } | undefined>;
  findSubscriberByCustomer(
    customerId: string,
    tenantSlug: string | undefined,
  ): Promise<{ id: string; tenantId: string }[]>;
  tenantStripeAccount(tenantSlug: string): Promise<string | null | undefined>;
  createMagicLink(link: {
    tenantId: string;
    subscriberId: string;
    tokenHash: string;
    expiresAt: Date;
  }): Promise<void>;
  /** Marks the link used if it is unused and unexpired; returns its subscriber, else undefined. Atomic. */
  consumeMagicLink(
    tokenHash: string,
    now: Date,
  ): Promise<{ tenantId: string; subscriberId: string } | undefined>;
  createSession(session: {
    idHash: string;
    tenantId: string;
    subscriberId: string;
    expiresAt: Date;
  }): Promise<void>;
  findSession(idHash: string, now: Date): Promise<{ tenantId: string; subscriberId: string } | undefined>;
  deleteSession(idHash: string): Promise<void>;
  loadAccount(subscriberId: string): Promise<
    | {
        email: string;
        tenantId: string;
        tenantName: string;
        stripeCustomerId: string | null;
        stripeAccountId: string | null;
      }
    | undefined
  >;
  /** Shows of the tenant named by ids, plus the shows of the given episodes. */
  listShows(
    tenantId: string,
    showIds: readonly string[],
    episodeIds: readonly string[],
  ): Promise<{ id: string; title: string }[]>;
}

export interface Mailer {
  send(mail: { to: string; subject: string; text: string; html: string }): Promise<void>;
}

export interface StripePortalGateway {
  retrieveCheckoutSession(
    sessionId: string,
    stripeAccount: string | undefined,
  ): Promise<{ customer: string | null; status: string | null; created: number }>;
  createBillingPortalSession(
    customer: string,
    returnUrl: string,
    stripeAccount: string | undefined,
  ): Promise<string>;
}

/** Billing's feed-token rotation (bumps the generation, publishes gh.access.token.rotated.v1). */
export interface TokenRotator {
  /** Resolves once rotated; the portal does not need the new generation it may resolve to. */
  rotate(tenantId: string, subscriberId: string): Promise<unknown>;
}

export interface PortalServiceDeps {
  store: PortalStore;
  access: AccessStore;
  mailer: Mailer;
  stripe: StripePortalGateway;
  rotator: TokenRotator;
  keyring: Keyring;
  baseUrl: string;
  sessionTtlSeconds: number;
  magicLinkTtlSeconds: number;
  now?: () => number;
}

/** A Checkout success redirect is a sign-in credential only shortly after the checkout. */
const CHECKOUT_SIGN_IN_WINDOW_SECONDS = 24 * 3600;

export function createPortalService(deps: PortalServiceDeps) {
  const now = deps.now ?? Date.now;

  async function startSession(tenantId: string, subscriberId: string) {
    const cookie = newSecret();
    const expiresAt = new Date(now() + deps.sessionTtlSeconds * 1000);
    await deps.store.createSession({ idHash: sha256Hex(cookie), tenantId, subscriberId, expiresAt });
    return { cookie, maxAge: deps.sessionTtlSeconds };
  }

  return {
    findTenant: (slug: string) => deps.store.findTenantBySlug(slug),

    /** Sends a magic link if the address belongs to a subscriber; the caller answers the same either way. */
    async requestMagicLink(tenant: { id: string; name: string }, rawEmail: string): Promise<void> {
      const email = rawEmail.trim().toLowerCase();
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254)
        throw errors.validation('enter a valid e-mail address');
      const subscriber = await deps.store.findSubscriberByEmail(tenant.id, email);
      if (!subscriber) return;
      const token = newSecret();
      await deps.store.createMagicLink({
        tenantId: tenant.id,
        subscriberId: subscriber.id,
        tokenHash: sha256Hex(token),
        expiresAt: new Date(now() + deps.magicLinkTtlSeconds * 1000),
      });
      const url = `${deps.baseUrl}/portal/magic?token=${token}`;
      const minutes = Math.round(deps.magicLinkTtlSeconds / 60);
      await deps.mailer.send({
        to: subscriber.email,
        subject: `Your sign-in link for ${tenant.name}`,
        text: `Sign in to your ${tenant.name} subscription:\n\n${url}\n\nThe link works once and expires in ${minutes} minutes. If you did not ask for it, ignore this e-mail.\n`,
        html: `<p>Sign in to your ${tenant.name.replace(/[&<>"']/g, '')} subscription:</p><p><a href="${url}">${url}</a></p><p>The link works once and expires in ${minutes} minutes.</p>`,
      });
    },

    async signInWithMagicLink(token: string) {
      if (!isSecretShaped(token)) throw errors.badRequest('this sign-in link is not valid');
      const link = await deps.store.consumeMagicLink(sha256Hex(token), new Date(now()));
      if (!link) throw errors.gone('this sign-in link was already used or has expired; request a new one');
      return startSession(link.tenantId, link.subscriberId);
    },

    /** Checkout success redirect: the completed Checkout Session names the customer to sign in. */
    async signInWithCheckout(sessionId: string, tenantSlug: string | undefined) {
      const stripeAccount = tenantSlug ? await deps.store.tenantStripeAccount(tenantSlug) : undefined;
      if (tenantSlug && stripeAccount === undefined) throw errors.notFound('creator');
      const session = await deps.stripe.retrieveCheckoutSession(sessionId, stripeAccount ?? undefined);
      if (session.status !== 'complete' || !session.customer) {
        throw errors.conflict('this checkout is not complete yet; sign in with your e-mail address instead');
      }
      if (now() / 1000 - session.created > CHECKOUT_SIGN_IN_WINDOW_SECONDS) {
        throw errors.gone('this checkout link is too old to sign in with; use your e-mail address instead');
      }
      const subscribers = await deps.store.findSubscriberByCustomer(session.customer, tenantSlug);
      if (subscribers.length !== 1) {
        // Not recorded yet (the webhook may still be on its way) or ambiguous across creators.
        throw errors.conflict(
          'your subscription is still being set up; sign in with your e-mail address in a minute',
        );
      }
      return startSession(subscribers[0]!.tenantId, subscribers[0]!.id);
    },

    async sessionFromCookie(cookie: string | undefined) {
      if (!isSecretShaped(cookie)) return undefined;
      return deps.store.findSession(sha256Hex(cookie), new Date(now()));
    },

    signOut: (cookie: string) => deps.store.deleteSession(sha256Hex(cookie)),

    /** CSRF token bound to the session: derived from the secret cookie, so only its holder knows it. */
    csrfToken: (cookie: string) => csrfTokenFor(cookie),

    checkCsrf(cookie: string, submitted: unknown): void {
      if (!csrfMatches(cookie, submitted))
        throw errors.forbidden('the form expired; reload the page and try again');
    },

    async account(session: { tenantId: string; subscriberId: string }) {
      const [account, access] = await Promise.all([
        deps.store.loadAccount(session.subscriberId),
        deps.access.loadSubscriberAccess(session.subscriberId),
      ]);
      if (!account || !access || account.tenantId !== session.tenantId)
        throw errors.unauthenticated('please sign in again');
      const at = now();
      const live = access.plans
        .filter((plan) => plan.until === null || plan.until > at)
        .map((plan) => plan.planId);
      let feeds: { showId: string; title: string; url: string }[] = [];
      // The listener pages' player trades it for short-lived /d/ links (POST /v1/download-links).
      let feedToken: string | null = null;
      if (live.length > 0) {
        const grants = (await deps.access.loadPlanGrants(live)).filter(
          (grant) => grant.tenantId === access.tenantId,
        );
        const shows = await deps.store.listShows(
          access.tenantId,
          grants.flatMap((grant) => grant.showIds),
          grants.flatMap((grant) => grant.episodeIds),
        );
        const token = issueAccessToken(deps.keyring, {
          tenantId: access.tenantId,
          subscriberId: access.subscriberId,
          generation: access.generation,
        });
        feedToken = token;
        feeds = shows.map((show) => ({
          showId: show.id,
          title: show.title,
          url: `${deps.baseUrl}/f/${token}/${show.id}.xml`,
        }));
      }
      return {
        tenantName: account.tenantName,
        email: account.email,
        granted: live.length > 0,
        lifecycle: access.lifecycle,
        feeds,
        feedToken,
        stripeCustomerId: account.stripeCustomerId,
        stripeAccountId: account.stripeAccountId,
      };
    },

    async resetFeed(session: { tenantId: string; subscriberId: string }) {
      await deps.rotator.rotate(session.tenantId, session.subscriberId);
    },

    async billingPortalUrl(session: { tenantId: string; subscriberId: string }) {
      const account = await deps.store.loadAccount(session.subscriberId);
      if (!account?.stripeCustomerId)
        throw errors.conflict('no billing account is linked to this subscription');
      return deps.stripe.createBillingPortalSession(
        account.stripeCustomerId,
        `${deps.baseUrl}/portal/account`,
        account.stripeAccountId ?? undefined,
      );
    },
  };
}

export type PortalService = ReturnType<typeof createPortalService>;
