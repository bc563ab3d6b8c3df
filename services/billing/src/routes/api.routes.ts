import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { authenticateTenant } from '@gatehouse/tenant-keys';
import { connectRoutes } from './connect.routes.ts';
import { planRoutes } from './plans.routes.ts';
import type { RouteDeps } from './route-deps.ts';
import { CheckoutCreate, errorResponses, PortalCreate, SessionBody } from './schemas.ts';
import { subscriberRoutes } from './subscribers.routes.ts';
import { authErrors, setTenant, tenantOf } from './tenant-context.ts';

/**
 * `/billing/v1/…`: the creators' billing API, authenticated with the tenant's API key. The hook
 * below covers this plugin and every route plugin registered inside it.
 */
export const apiRoutes: FastifyPluginAsyncTypebox<{ deps: RouteDeps }> = async (app, { deps }) => {
  app.addHook('onRequest', async (request) => {
    const key = await authenticateTenant(deps.apiKeys, deps.sessions, request);
    setTenant(request, { id: key.tenantId, stripeAccountId: key.tenantStripeAccountId });
  });

  app.register(planRoutes, { deps });
  app.register(subscriberRoutes, { deps });
  app.register(connectRoutes, { deps });

  // Checkout and portal sessions answer alike: a Stripe-hosted URL, created per request.
  const sessionResponses = { 201: SessionBody, ...errorResponses(...authErrors, 404, 409, 500, 503) };

  app.post('/billing/v1/checkout-sessions', {
    schema: { body: CheckoutCreate, response: sessionResponses },
    handler: async (request, reply) => {
      const session = await deps.checkout.createCheckoutSession(tenantOf(request).id, request.body);
      return reply.code(201).send(session);
    },
  });

  app.post('/billing/v1/portal-sessions', {
    schema: { body: PortalCreate, response: sessionResponses },
    handler: async (request, reply) => {
      const session = await deps.checkout.createPortalSession(tenantOf(request).id, request.body);
      return reply.code(201).send(session);
    },
  });
};
