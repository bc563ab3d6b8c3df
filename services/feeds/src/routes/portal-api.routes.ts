import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorBodySchema, errors } from '@gatehouse/errors';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { COOKIE, readCookie } from './portal.routes.ts';
import type { RouteDeps } from './route-deps.ts';

const Slug = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' });
const TenantParams = Type.Object({ tenantSlug: Slug });

/** What the listener pages show of a signed-in listener (`/listen/:tenantSlug/welcome`, `/account`). */
const ListenerAccount = Type.Object(
  {
    tenant: Type.Object({ slug: Type.String(), name: Type.String() }, { additionalProperties: false }),
    email: Type.String(),
    granted: Type.Boolean({ description: 'A plan grants access right now' }),
    lifecycle: Type.Union([
      Type.Literal('none'),
      Type.Literal('active'),
      Type.Literal('payment_failed'),
      Type.Literal('ended'),
    ]),
    feeds: Type.Array(
      Type.Object(
        {
          showId: Type.String(),
          title: Type.String(),
          url: Type.String({ description: 'Private feed URL' }),
        },
        { additionalProperties: false },
      ),
    ),
    feedToken: Type.Union([Type.String(), Type.Null()], {
      description: 'Bearer for POST /v1/download-links (the web player); null without access',
    }),
    canManageBilling: Type.Boolean(),
    csrfToken: Type.String({ description: 'Send as X-CSRF-Token on every POST of this API' }),
  },
  { additionalProperties: false },
);
const errorsOf = (...codes: number[]) => Object.fromEntries(codes.map((code) => [code, errorBodySchema]));
const Empty = Type.Unsafe<undefined>(Type.Null({ description: 'No body' }));

/**
 * The subscriber portal as JSON for the listener pages, under `/portal/:tenantSlug/api/…` so the
 * portal's `gh_portal` cookie (Path=/portal) reaches it. Same sessions and CSRF token as the HTML
 * portal. Every answer is `no-store` and `no-referrer`: bodies and pages carry feed tokens.
 * Sign-in posts must be JSON, which a cross-site form cannot send (no login CSRF); signed-in posts
 * carry `X-CSRF-Token`.
 */
export const portalApiRoutes: FastifyPluginAsyncTypebox<{ deps: RouteDeps }> = async (app, { deps }) => {
  const { portal } = deps;
  app.addHook('onSend', async (_request, reply) => {
    reply
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .header('x-content-type-options', 'nosniff');
  });

  const setCookie = (reply: FastifyReply, value: string, maxAge: number) =>
    reply.header(
      'set-cookie',
      `${COOKIE}=${value}; Path=/portal; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${deps.secureCookies ? '; Secure' : ''}`,
    );

  async function tenantOf(slug: string) {
    const tenant = await portal.findTenant(slug);
    if (!tenant) throw errors.notFound('creator');
    return tenant;
  }

  function requireJson(request: FastifyRequest) {
    if (!/^application\/json\b/i.test(request.headers['content-type'] ?? ''))
      throw errors.unsupportedMediaType('send application/json');
  }

  /** The session of this creator's listener; 401 when signed out or signed in to another creator. */
  async function requireSession(request: FastifyRequest, tenantId: string) {
    const cookie = readCookie(request);
    const session = await portal.sessionFromCookie(cookie);
    if (!session || !cookie || session.tenantId !== tenantId)
      throw errors.unauthenticated('please sign in with the link from your e-mail');
    return { cookie, session };
  }

  async function requireWrite(request: FastifyRequest, tenantId: string) {
    const signedIn = await requireSession(request, tenantId);
    const header = request.headers['x-csrf-token'];
    portal.checkCsrf(signedIn.cookie, typeof header === 'string' ? header : '');
    return signedIn;
  }

  async function accountBody(
    tenant: { slug: string; name: string },
    cookie: string,
    session: { tenantId: string; subscriberId: string },
  ) {
    const account = await portal.account(session);
    return {
      tenant: { slug: tenant.slug, name: tenant.name },
      email: account.email,
      granted: account.granted,
      lifecycle: account.lifecycle,
      feeds: account.feeds,
      feedToken: account.feedToken,
      canManageBilling: account.stripeCustomerId !== null,
      csrfToken: portal.csrfToken(cookie),
    };
  }

  app.post('/portal/:tenantSlug/api/checkout-sign-in', {
    schema: {
      params: TenantParams,
      body: Type.Object(
        { sessionId: Type.String({ pattern: '^cs_[A-Za-z0-9_]{1,250}$' }) },
        { additionalProperties: false },
      ),
      response: { 200: ListenerAccount, ...errorsOf(400, 404, 409, 410, 415, 500, 502, 503) },
    },
    handler: async (request, reply) => {
      requireJson(request);
      const tenant = await tenantOf(request.params.tenantSlug);
      const started = await portal.signInWithCheckout(request.body.sessionId, tenant.slug);
      const session = await portal.sessionFromCookie(started.cookie);
      if (!session) throw errors.internal(new Error('portal session vanished right after sign-in'));
      setCookie(reply, started.cookie, started.maxAge);
      return accountBody(tenant, started.cookie, session);
    },
  });

  app.post('/portal/:tenantSlug/api/sign-in-link', {
    schema: {
      params: TenantParams,
      body: Type.Object(
        { email: Type.String({ minLength: 3, maxLength: 254 }) },
        { additionalProperties: false },
      ),
      response: {
        202: Type.Object({ sent: Type.Literal(true) }, { additionalProperties: false }),
        ...errorsOf(400, 404, 415, 500, 503),
      },
    },
    handler: async (request, reply) => {
      requireJson(request);
      const tenant = await tenantOf(request.params.tenantSlug);
      await portal.requestMagicLink(tenant, request.body.email);
      // Same answer whether or not the address is known: no subscriber enumeration.
      return reply.code(202).send({ sent: true });
    },
  });

  app.get('/portal/:tenantSlug/api/account', {
    schema: {
      params: TenantParams,
      response: { 200: ListenerAccount, ...errorsOf(400, 401, 404, 500, 503) },
    },
    handler: async (request) => {
      const tenant = await tenantOf(request.params.tenantSlug);
      const { cookie, session } = await requireSession(request, tenant.id);
      return accountBody(tenant, cookie, session);
    },
  });

  app.post('/portal/:tenantSlug/api/billing-portal', {
    schema: {
      params: TenantParams,
      response: {
        200: Type.Object(
          { url: Type.String({ description: 'Stripe customer portal' }) },
          { additionalProperties: false },
        ),
        ...errorsOf(400, 401, 403, 404, 409, 500, 502, 503),
      },
    },
    handler: async (request) => {
      const tenant = await tenantOf(request.params.tenantSlug);
      const { session } = await requireWrite(request, tenant.id);
      return { url: await portal.billingPortalUrl(session) };
    },
  });

  app.post('/portal/:tenantSlug/api/reset-feed', {
    schema: {
      params: TenantParams,
      response: { 200: ListenerAccount, ...errorsOf(400, 401, 403, 404, 500, 503) },
    },
    handler: async (request) => {
      const tenant = await tenantOf(request.params.tenantSlug);
      const { cookie, session } = await requireWrite(request, tenant.id);
      await portal.resetFeed(session);
      return accountBody(tenant, cookie, session);
    },
  });

  app.post('/portal/:tenantSlug/api/sign-out', {
    schema: { params: TenantParams, response: { 204: Empty, ...errorsOf(400, 401, 403, 404, 500, 503) } },
    handler: async (request, reply) => {
      const tenant = await tenantOf(request.params.tenantSlug);
      const { cookie } = await requireWrite(request, tenant.id);
      await portal.signOut(cookie);
      setCookie(reply, '', 0);
      return reply.code(204).send(undefined);
    },
  });
};
