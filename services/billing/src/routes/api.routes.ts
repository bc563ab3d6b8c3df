import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors } from '@gatehouse/errors';
import type { FastifyRequest } from 'fastify';
import type { BillingTenant } from '../domain/plan-catalog.ts';
import type { RouteDeps } from './route-deps.ts';
import {
  CheckoutCreate,
  errorResponses,
  IdParams,
  PlanBody,
  PlanCreate,
  PlanList,
  PortalCreate,
  RotateAnswer,
  RotateBody,
  SessionBody,
} from './schemas.ts';

/** The tenant of each request's API key (`@gatehouse/tenant-keys` verifies it in `onRequest`). */
const tenants = new WeakMap<FastifyRequest, BillingTenant>();
const tenantOf = (request: FastifyRequest) => {
  const tenant = tenants.get(request);
  if (!tenant) throw errors.unauthenticated();
  return tenant;
};
const authErrors = [400, 401, 403] as const;

/** `/billing/v1/…`: the creators' billing API, authenticated with the tenant's API key. */
export const apiRoutes: FastifyPluginAsyncTypebox<{ deps: RouteDeps }> = async (app, { deps }) => {
  const { plans } = deps;
  app.addHook('onRequest', async (request) => {
    const key = await deps.apiKeys.verify(request.headers.authorization, (error) =>
      request.log.warn({ err: error }, 'could not record API key use'),
    );
    tenants.set(request, { id: key.tenantId, stripeAccountId: key.tenantStripeAccountId });
  });

  app.post('/billing/v1/plans', {
    schema: {
      body: PlanCreate,
      response: { 201: PlanBody, ...errorResponses(...authErrors, 422, 500, 503) },
    },
    handler: async (request, reply) => {
      const { body } = request;
      const plan = await plans.createPlan(tenantOf(request), {
        name: body.name,
        description: body.description ?? '',
        amount: body.amount,
        currency: body.currency,
        interval: body.interval,
        showIds: body.showIds ?? [],
        episodeIds: body.episodeIds ?? [],
      });
      deps.notifyOutbox();
      reply.code(201);
      return plan;
    },
  });

  app.get('/billing/v1/plans', {
    schema: { response: { 200: PlanList, ...errorResponses(...authErrors, 500) } },
    handler: async (request) => ({ plans: await plans.listPlans(tenantOf(request).id) }),
  });

  // Checkout and portal sessions answer alike: a Stripe-hosted URL, created per request.
  const sessionResponses = { 201: SessionBody, ...errorResponses(...authErrors, 404, 409, 500, 503) };

  app.post('/billing/v1/checkout-sessions', {
    schema: { body: CheckoutCreate, response: sessionResponses },
    handler: async (request, reply) => {
      const session = await plans.createCheckoutSession(tenantOf(request), request.body);
      return reply.code(201).send(session);
    },
  });

  app.post('/billing/v1/portal-sessions', {
    schema: { body: PortalCreate, response: sessionResponses },
    handler: async (request, reply) => {
      const session = await plans.createPortalSession(tenantOf(request), request.body);
      return reply.code(201).send(session);
    },
  });

  app.post('/billing/v1/subscribers/:id/rotate-token', {
    schema: {
      params: IdParams,
      body: RotateBody,
      response: { 200: RotateAnswer, ...errorResponses(...authErrors, 404, 500) },
    },
    handler: async (request) => {
      const result = await deps.rotateToken({
        tenantId: tenantOf(request).id,
        subscriberId: request.params.id,
        rotatedBy: request.body?.rotatedBy ?? 'creator',
      });
      deps.notifyOutbox();
      return { subscriberId: result.subscriberId, generation: result.generation };
    },
  });
};
