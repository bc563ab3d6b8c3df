import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors, isAppError, toHttpError } from '@gatehouse/errors';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import {
  accountPage,
  checkEmailPage,
  confirmMagicLinkPage,
  messagePage,
  signInPage,
} from '../portal/portal-pages.ts';
import type { RouteDeps } from './route-deps.ts';

export const COOKIE = 'gh_portal';
const Slug = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' });
const TenantParams = Type.Object({ tenantSlug: Slug });

const html = Type.String({ description: 'HTML page' });
const pageResponses = {
  200: html,
  400: html,
  401: html,
  403: html,
  404: html,
  409: html,
  410: html,
  500: html,
  503: html,
};
// No body: `null` in the OpenAPI document; handlers send no payload (`send(undefined)`).
const redirectResponses = {
  303: Type.Unsafe<undefined>(Type.Null({ description: 'Redirect (Location header), no body' })),
  ...pageResponses,
};
const csrfBody = Type.Object({ csrf: Type.String({ maxLength: 100 }) }, { additionalProperties: false });

export function readCookie(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === COOKIE) return rest.join('=');
  }
  return undefined;
}

/** A redirect after a form or link: 303 with no body (see redirectResponses). */
function seeOther(reply: FastifyReply, location: string) {
  return reply.code(303).header('location', location).send(undefined);
}

function page(reply: FastifyReply, status: number, body: string) {
  return (
    reply
      .code(status)
      .header('content-type', 'text/html; charset=utf-8')
      // Seed 000: the page with feed links is never cached anywhere.
      .header('cache-control', 'no-store')
      .header('x-frame-options', 'DENY')
      .header('referrer-policy', 'no-referrer')
      .header(
        'content-security-policy',
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self' https:; frame-ancestors 'none'; base-uri 'none'",
      )
      .send(body)
  );
}

/**
 * The subscriber portal: server-rendered pages and plain forms, no JavaScript. Errors render as
 * pages (not JSON) with the status of the AppError; 5xx details stay in the log.
 */
export const portalRoutes: FastifyPluginAsyncTypebox<{ deps: RouteDeps }> = async (app, { deps }) => {
  const { portal } = deps;
  const setCookie = (reply: FastifyReply, value: string, maxAge: number) =>
    reply.header(
      'set-cookie',
      `${COOKIE}=${value}; Path=/portal; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${deps.secureCookies ? '; Secure' : ''}`,
    );

  /** A new session: its cookie, then on to the account page. */
  const signedIn = (reply: FastifyReply, session: { cookie: string; maxAge: number }) => {
    setCookie(reply, session.cookie, session.maxAge);
    return seeOther(reply, '/portal/account');
  };

  // Encapsulated by registration (app.ts): this error handler is the portal routes' alone.
  app.setErrorHandler((error, request, reply) => {
    const { status, body } = toHttpError(error);
    if (status >= 500) request.log.error({ err: error }, 'portal request failed');
    const message =
      isAppError(error) || status < 500 ? body.error.message : 'Something went wrong. Please try again.';
    return page(reply, status, messagePage(status >= 500 ? 'Sorry' : 'Cannot continue', message));
  });

  async function requireSession(request: FastifyRequest) {
    const cookie = readCookie(request);
    const session = await portal.sessionFromCookie(cookie);
    if (!session || !cookie) throw errors.unauthenticated('please sign in with the link from your e-mail');
    return { cookie, session };
  }

  /** A signed-in form post: the session, once the form's CSRF token matches its cookie. */
  async function requireFormSession(request: FastifyRequest, csrf: string) {
    const signedInAs = await requireSession(request);
    portal.checkCsrf(signedInAs.cookie, csrf);
    return signedInAs;
  }

  app.route({
    method: 'GET',
    url: '/portal/:tenantSlug/sign-in',
    schema: {
      params: TenantParams,
      response: pageResponses,
    },
    handler: async (request, reply) => {
      const tenant = await portal.findTenant(request.params.tenantSlug);
      if (!tenant) throw errors.notFound('creator');
      return page(reply, 200, signInPage(tenant));
    },
  });

  app.route({
    method: 'POST',
    url: '/portal/:tenantSlug/sign-in',
    schema: {
      params: TenantParams,
      body: Type.Object(
        { email: Type.String({ minLength: 3, maxLength: 254 }) },
        { additionalProperties: false },
      ),
      response: pageResponses,
    },
    handler: async (request, reply) => {
      const tenant = await portal.findTenant(request.params.tenantSlug);
      if (!tenant) throw errors.notFound('creator');
      await portal.requestMagicLink(tenant, request.body.email);
      // Same answer whether or not the address is known: no subscriber enumeration.
      return page(reply, 200, checkEmailPage(tenant.name));
    },
  });

  app.route({
    method: 'GET',
    url: '/portal/magic',
    schema: {
      querystring: Type.Object({ token: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }) }),
      response: pageResponses,
    },
    handler: async (request, reply) => page(reply, 200, confirmMagicLinkPage(request.query.token)),
  });

  app.route({
    method: 'POST',
    url: '/portal/magic',
    schema: {
      body: Type.Object({ token: Type.String({ maxLength: 100 }) }, { additionalProperties: false }),
      response: redirectResponses,
    },
    handler: async (request, reply) => {
      return signedIn(reply, await portal.signInWithMagicLink(request.body.token));
    },
  });

  app.route({
    method: 'GET',
    url: '/portal/welcome',
    schema: {
      querystring: Type.Object({
        session_id: Type.String({ pattern: '^cs_[A-Za-z0-9_]{1,250}$' }),
        tenant: Type.Optional(Slug),
      }),
      response: redirectResponses,
    },
    handler: async (request, reply) => {
      const { session_id, tenant } = request.query;
      return signedIn(reply, await portal.signInWithCheckout(session_id, tenant));
    },
  });

  app.route({
    method: 'GET',
    url: '/portal/account',
    schema: {
      querystring: Type.Object({ done: Type.Optional(Type.Literal('reset')) }),
      response: pageResponses,
    },
    handler: async (request, reply) => {
      const { cookie, session } = await requireSession(request);
      const account = await portal.account(session);
      const notice =
        request.query.done === 'reset'
          ? 'Your feed links were reset. Replace the old links in your apps.'
          : undefined;
      return page(
        reply,
        200,
        accountPage({
          ...account,
          canManageBilling: account.stripeCustomerId !== null,
          csrf: portal.csrfToken(cookie),
          ...(notice ? { notice } : {}),
        }),
      );
    },
  });

  /** The account page's forms: a POST carrying the CSRF field, handled once the session is checked. */
  const formRoute = (
    url: string,
    handle: (
      signedInAs: Awaited<ReturnType<typeof requireSession>>,
      reply: FastifyReply,
    ) => Promise<FastifyReply>,
  ) =>
    app.route({
      method: 'POST',
      url,
      schema: { body: csrfBody, response: redirectResponses },
      handler: async (request, reply) => handle(await requireFormSession(request, request.body.csrf), reply),
    });

  formRoute('/portal/account/reset-feed', async ({ session }, reply) => {
    await portal.resetFeed(session);
    return seeOther(reply, '/portal/account?done=reset');
  });

  formRoute('/portal/account/billing', async ({ session }, reply) =>
    seeOther(reply, await portal.billingPortalUrl(session)),
  );

  formRoute('/portal/sign-out', async ({ cookie }, reply) => {
    await portal.signOut(cookie);
    setCookie(reply, '', 0);
    return page(reply, 200, messagePage('Signed out', 'You are signed out.'));
  });
};
