import { errors, isAppError, toHttpError } from '@gatehouse/errors';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PortalService } from '../domain/portal-service.ts';
import {
  accountPage,
  checkEmailPage,
  confirmMagicLinkPage,
  messagePage,
  signInPage,
} from '../portal/portal-pages.ts';

const COOKIE = 'gh_portal';
const SLUG = '^[a-z0-9][a-z0-9-]{0,62}$';

const html = { type: 'string', description: 'HTML page' } as const;
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
const redirectResponses = { 303: { type: 'null' }, ...pageResponses };
const csrfBody = {
  type: 'object',
  required: ['csrf'],
  additionalProperties: false,
  properties: { csrf: { type: 'string', maxLength: 100 } },
} as const;

function readCookie(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === COOKIE) return rest.join('=');
  }
  return undefined;
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
export function registerPortalRoutes(
  app: FastifyInstance,
  portal: PortalService,
  options: { secureCookies: boolean },
) {
  const setCookie = (reply: FastifyReply, value: string, maxAge: number) =>
    reply.header(
      'set-cookie',
      `${COOKIE}=${value}; Path=/portal; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${options.secureCookies ? '; Secure' : ''}`,
    );

  app.register(async (portalApp) => {
    portalApp.setErrorHandler((error, request, reply) => {
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

    portalApp.route({
      method: 'GET',
      url: '/portal/:tenantSlug/sign-in',
      schema: {
        params: {
          type: 'object',
          required: ['tenantSlug'],
          properties: { tenantSlug: { type: 'string', pattern: SLUG } },
        },
        response: pageResponses,
      },
      handler: async (request, reply) => {
        const tenant = await portal.findTenant((request.params as { tenantSlug: string }).tenantSlug);
        if (!tenant) throw errors.notFound('creator');
        return page(reply, 200, signInPage(tenant));
      },
    });

    portalApp.route({
      method: 'POST',
      url: '/portal/:tenantSlug/sign-in',
      schema: {
        params: {
          type: 'object',
          required: ['tenantSlug'],
          properties: { tenantSlug: { type: 'string', pattern: SLUG } },
        },
        body: {
          type: 'object',
          required: ['email'],
          additionalProperties: false,
          properties: { email: { type: 'string', minLength: 3, maxLength: 254 } },
        },
        response: pageResponses,
      },
      handler: async (request, reply) => {
        const tenant = await portal.findTenant((request.params as { tenantSlug: string }).tenantSlug);
        if (!tenant) throw errors.notFound('creator');
        await portal.requestMagicLink(tenant, (request.body as { email: string }).email);
        // Same answer whether or not the address is known: no subscriber enumeration.
        return page(reply, 200, checkEmailPage(tenant.name));
      },
    });

    portalApp.route({
      method: 'GET',
      url: '/portal/magic',
      schema: {
        querystring: {
          type: 'object',
          required: ['token'],
          properties: { token: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' } },
        },
        response: pageResponses,
      },
      handler: async (request, reply) =>
        page(reply, 200, confirmMagicLinkPage((request.query as { token: string }).token)),
    });

    portalApp.route({
      method: 'POST',
      url: '/portal/magic',
      schema: {
        body: {
          type: 'object',
          required: ['token'],
          additionalProperties: false,
          properties: { token: { type: 'string', maxLength: 100 } },
        },
        response: redirectResponses,
      },
      handler: async (request, reply) => {
        const { cookie, maxAge } = await portal.signInWithMagicLink(
          (request.body as { token: string }).token,
        );
        setCookie(reply, cookie, maxAge);
        return reply.code(303).header('location', '/portal/account').send();
      },
    });

    portalApp.route({
      method: 'GET',
      url: '/portal/welcome',
      schema: {
        querystring: {
          type: 'object',
          required: ['session_id'],
          properties: {
            session_id: { type: 'string', pattern: '^cs_[A-Za-z0-9_]{1,250}$' },
            tenant: { type: 'string', pattern: SLUG },
          },
        },
        response: redirectResponses,
      },
      handler: async (request, reply) => {
        const query = request.query as { session_id: string; tenant?: string };
        const { cookie, maxAge } = await portal.signInWithCheckout(query.session_id, query.tenant);
        setCookie(reply, cookie, maxAge);
        return reply.code(303).header('location', '/portal/account').send();
      },
    });

    portalApp.route({
      method: 'GET',
      url: '/portal/account',
      schema: {
        querystring: { type: 'object', properties: { done: { type: 'string', enum: ['reset'] } } },
        response: pageResponses,
      },
      handler: async (request, reply) => {
        const { cookie, session } = await requireSession(request);
        const account = await portal.account(session);
        const notice =
          (request.query as { done?: string }).done === 'reset'
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

    portalApp.route({
      method: 'POST',
      url: '/portal/account/reset-feed',
      schema: { body: csrfBody, response: redirectResponses },
      handler: async (request, reply) => {
        const { cookie, session } = await requireSession(request);
        portal.checkCsrf(cookie, (request.body as { csrf: string }).csrf);
        await portal.resetFeed(session);
        return reply.code(303).header('location', '/portal/account?done=reset').send();
      },
    });

    portalApp.route({
      method: 'POST',
      url: '/portal/account/billing',
      schema: { body: csrfBody, response: redirectResponses },
      handler: async (request, reply) => {
        const { cookie, session } = await requireSession(request);
        portal.checkCsrf(cookie, (request.body as { csrf: string }).csrf);
        const url = await portal.billingPortalUrl(session);
        return reply.code(303).header('location', url).send();
      },
    });

    portalApp.route({
      method: 'POST',
      url: '/portal/sign-out',
      schema: { body: csrfBody, response: redirectResponses },
      handler: async (request, reply) => {
        const { cookie } = await requireSession(request);
        portal.checkCsrf(cookie, (request.body as { csrf: string }).csrf);
        await portal.signOut(cookie);
        setCookie(reply, '', 0);
        return page(reply, 200, messagePage('Signed out', 'You are signed out.'));
      },
    });
  });
}
