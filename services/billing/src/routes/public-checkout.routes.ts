import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors } from '@gatehouse/errors';
import type { RouteDeps } from './route-deps.ts';
import { errorResponses, PublicCheckoutCreate, UrlBody } from './schemas.ts';

/**
 * `POST /billing/v1/public/checkout`: the listener pages' Subscribe button. No credentials, so each
 * client address may start only a few Checkout sessions a minute (each one creates Stripe objects);
 * past that 429 with Retry-After. 404 unknown creator/plan/show, 409 plan archived or the creator's
 * Stripe account cannot take payments yet (`error.details.reason` tells which).
 */
export const publicCheckoutRoutes: FastifyPluginAsyncTypebox<{ deps: RouteDeps }> = async (app, { deps }) => {
  app.post('/billing/v1/public/checkout', {
    schema: {
      body: PublicCheckoutCreate,
      response: { 201: UrlBody, ...errorResponses(400, 404, 409, 429, 500, 503) },
    },
    // After validation: malformed bodies cost nothing and do not use up the address's allowance.
    preHandler: async (request, reply) => {
      const verdict = deps.publicCheckoutLimiter.take(request.ip);
      if (!verdict.allowed) {
        reply.header('retry-after', String(verdict.retryAfterSeconds));
        throw errors.tooManyRequests('too many checkout attempts, try again shortly');
      }
    },
    handler: async (request, reply) => {
      const session = await deps.checkout.createPublicCheckout(request.body);
      if (!session.url) throw errors.dependencyUnavailable('stripe');
      reply.code(201);
      return { url: session.url };
    },
  });
};
