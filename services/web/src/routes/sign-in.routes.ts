import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { buildCookie, CREATOR_SESSION_COOKIE, clearCookie } from '@gatehouse/sign-in';
import type { FastifyReply } from 'fastify';
import type { SignedIn } from '../domain/creator-sign-in.service.ts';
import type { CreatorRouteDeps } from './route-deps.ts';
import {
  Accepted,
  ConfirmBody,
  errorResponses,
  noContent,
  Session,
  SignInBody,
  SwitchTenantBody,
} from './schemas.ts';

/**
 * Creators' sign-in: `POST /web/v1/sign-in` mails a one-time link (202 whether or not the address is
 * known), `POST …/confirm` spends it and sets the `gh_studio` cookie, `GET /web/v1/session` is what the
 * dashboard reads first, `POST …/session/tenant` switches tenants, `POST /web/v1/sign-out` ends it.
 */
export const signInRoutes: FastifyPluginAsyncTypebox<{ deps: CreatorRouteDeps }> = async (app, { deps }) => {
  const { signIn } = deps;
  const sessionCookie = (reply: FastifyReply, signedIn: SignedIn) =>
    reply.header('cache-control', 'no-store').header(
      'set-cookie',
      buildCookie(CREATOR_SESSION_COOKIE, signedIn.cookie.value, {
        maxAgeSeconds: signedIn.cookie.maxAgeSeconds,
        secure: deps.secureCookies,
      }),
    );

  app.post('/web/v1/sign-in', {
    schema: { body: SignInBody, response: { 202: Accepted, ...errorResponses(400, 429, 500) } },
    handler: async (request, reply) => {
      await signIn.requestLink(request.body.email);
      reply.code(202);
      return {
        message:
          'If this address belongs to a creator, a sign-in link is on its way. It works once, for 15 minutes.',
      };
    },
  });

  app.post('/web/v1/sign-in/confirm', {
    schema: { body: ConfirmBody, response: { 200: Session, ...errorResponses(400, 403, 410, 500) } },
    handler: async (request, reply) => {
      const signedIn = await signIn.confirm(request.body.token);
      sessionCookie(reply, signedIn);
      return signedIn.view;
    },
  });

  app.get('/web/v1/session', {
    schema: { response: { 200: Session, ...errorResponses(401, 500) } },
    handler: async (request, reply) => {
      const signedIn = await signIn.current(request);
      sessionCookie(reply, signedIn);
      return signedIn.view;
    },
  });

  app.post('/web/v1/session/tenant', {
    schema: {
      body: SwitchTenantBody,
      response: { 200: Session, ...errorResponses(400, 401, 403, 404, 500) },
    },
    handler: async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return signIn.switchTenant(request, request.body.tenantId);
    },
  });

  app.post('/web/v1/sign-out', {
    schema: { response: { ...noContent, ...errorResponses(403, 500) } },
    handler: async (request, reply) => {
      await signIn.signOut(request);
      return reply
        .code(204)
        .header('set-cookie', clearCookie(CREATOR_SESSION_COOKIE, { secure: deps.secureCookies }))
        .send();
    },
  });
};
