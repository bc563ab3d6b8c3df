import { errors } from '@gatehouse/errors';
import { createApiKeyVerifier, createPrismaApiKeyRepository } from '@gatehouse/tenant-keys';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { createPlan, findPlan, findSubscriber, listPlans } from '../adapters/plans.repository.ts';
import { rotateAccessToken } from '../adapters/token-rotation.repository.ts';
import type { BillingDeps } from '../app.ts';
import {
  CheckoutCreate,
  errorResponses,
  IdParams,
  PlanBody,
  PlanCreate,
  PortalCreate,
  RotateAnswer,
  RotateBody,
  SessionBody,
} from './schemas.ts';

/** The tenant of the request's API key (`@gatehouse/tenant-keys` verifies it). */
export interface AuthenticatedTenant {
  id: string;
  stripeAccountId: string | null;
}

const tenants = new WeakMap<FastifyRequest, AuthenticatedTenant>();
const tenantOf = (request: FastifyRequest) => {
  const tenant = tenants.get(request);
  if (!tenant) throw errors.unauthenticated();
  return tenant;
};

/** `/billing/v1/…`: the creators' billing API, authenticated with the tenant's API key. */
export async function apiRoutes(app: FastifyInstance, deps: BillingDeps) {
  const keys = createApiKeyVerifier(createPrismaApiKeyRepository(deps.prisma));
  app.addHook('onRequest', async (request) => {
    const key = await keys.verify(request.headers.authorization, (error) =>
      request.log.warn({ err: error }, 'could not record API key use'),
    );
    tenants.set(request, { id: key.tenantId, stripeAccountId: key.tenantStripeAccountId });
  });
  const authErrors = [400, 401, 403] as const;

  app.post<{ Body: PlanCreate }>('/billing/v1/plans', {
    schema: {
      body: PlanCreate,
      response: { 201: PlanBody, ...errorResponses(...authErrors, 422, 500, 503) },
    },
    handler: async (request, reply) => {
      const body = request.body;
      const plan = await createPlan(deps.prisma, deps.gateway, tenantOf(request), {
        name: body.name,
        description: body.description ?? '',
        amount: body.amount,
        currency: body.currency,
        interval: body.interval,
        showIds: body.showIds ?? [],
        episodeIds: body.episodeIds ?? [],
      });
      deps.onCommitted();
      reply.code(201);
      return plan;
    },
  });

  app.get('/billing/v1/plans', {
    schema: {
      response: { 200: Type.Object({ plans: Type.Array(PlanBody) }), ...errorResponses(...authErrors, 500) },
    },
    handler: async (request) => ({ plans: await listPlans(deps.prisma, tenantOf(request).id) }),
  });

  app.post<{ Body: CheckoutCreate }>('/billing/v1/checkout-sessions', {
    schema: {
      body: CheckoutCreate,
      response: { 201: SessionBody, ...errorResponses(...authErrors, 404, 409, 500, 503) },
    },
    handler: async (request, reply) => {
      const tenant = tenantOf(request);
      const plan = await findPlan(deps.prisma, tenant.id, request.body.planId);
      if (!plan.active || !plan.stripePriceId) throw errors.conflict('plan is not on sale');
      const subscriber = request.body.subscriberId
        ? await findSubscriber(deps.prisma, tenant.id, request.body.subscriberId)
        : undefined;
      const metadata: Record<string, string> = { tenantId: tenant.id, planId: plan.id };
      if (subscriber) metadata.subscriberId = subscriber.id;
      const session = await deps.gateway
        .createCheckoutSession(
          {
            priceId: plan.stripePriceId,
            // Stripe replaces {CHECKOUT_SESSION_ID} itself; the portal's welcome page reads it.
            successUrl: `${deps.publicBaseUrl}/portal/welcome?session_id={CHECKOUT_SESSION_ID}`,
            cancelUrl: request.body.cancelUrl ?? `${deps.publicBaseUrl}/portal`,
            ...(subscriber?.stripeCustomerId
              ? { customerId: subscriber.stripeCustomerId }
              : { customerEmail: subscriber?.email ?? request.body.email }),
            ...(subscriber ? { clientReferenceId: subscriber.id } : {}),
            metadata,
          },
          tenant.stripeAccountId,
        )
        .catch((error: unknown) => {
          throw errors.dependencyUnavailable('stripe', error);
        });
      reply.code(201);
      return session;
    },
  });

  app.post<{ Body: PortalCreate }>('/billing/v1/portal-sessions', {
    schema: {
      body: PortalCreate,
      response: { 201: SessionBody, ...errorResponses(...authErrors, 404, 409, 500, 503) },
    },
    handler: async (request, reply) => {
      const tenant = tenantOf(request);
      const subscriber = await findSubscriber(deps.prisma, tenant.id, request.body.subscriberId);
      if (!subscriber.stripeCustomerId) throw errors.conflict('subscriber has no Stripe customer yet');
      const session = await deps.gateway
        .createPortalSession(
          {
            customerId: subscriber.stripeCustomerId,
            returnUrl: request.body.returnUrl ?? `${deps.publicBaseUrl}/portal`,
          },
          tenant.stripeAccountId,
        )
        .catch((error: unknown) => {
          throw errors.dependencyUnavailable('stripe', error);
        });
      reply.code(201);
      return session;
    },
  });

  app.post<{ Params: IdParams; Body: RotateBody }>('/billing/v1/subscribers/:id/rotate-token', {
    schema: {
      params: IdParams,
      body: RotateBody,
      response: { 200: RotateAnswer, ...errorResponses(...authErrors, 404, 500) },
    },
    handler: async (request) => {
      const result = await rotateAccessToken(deps.prisma, {
        tenantId: tenantOf(request).id,
        subscriberId: request.params.id,
        rotatedBy: request.body?.rotatedBy ?? 'creator',
      });
      deps.onCommitted();
      return { subscriberId: result.subscriberId, generation: result.generation };
    },
  });
}
