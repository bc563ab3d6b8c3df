import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { RouteDeps } from './route-deps.ts';
import { ConnectStatusBody, EmptyBody, errorResponses, OnboardingLinkBody } from './schemas.ts';
import { authErrors, tenantOf } from './tenant-context.ts';

/** `/billing/v1/connect…`: Stripe Connect onboarding from the dashboard (authenticated scope). */
export const connectRoutes: FastifyPluginAsyncTypebox<{ deps: RouteDeps }> = async (app, { deps }) => {
  app.get('/billing/v1/connect', {
    schema: { response: { 200: ConnectStatusBody, ...errorResponses(...authErrors, 404, 500) } },
    handler: async (request) => deps.connect.status(tenantOf(request).id),
  });

  app.post('/billing/v1/connect/onboarding-link', {
    schema: {
      body: EmptyBody,
      response: { 201: OnboardingLinkBody, ...errorResponses(...authErrors, 404, 409, 500, 503) },
    },
    handler: async (request, reply) => {
      const link = await deps.connect.onboardingLink(tenantOf(request).id);
      reply.code(201);
      return { url: link.url, expiresAt: new Date(link.expiresAt * 1000).toISOString() };
    },
  });
};
