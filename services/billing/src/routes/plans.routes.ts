import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { planDto } from './dto.ts';
import type { RouteDeps } from './route-deps.ts';
import {
  EmptyBody,
  errorResponses,
  IdParams,
  PlanBody,
  PlanCreate,
  PlanList,
  PlanUpdate,
} from './schemas.ts';
import { authErrors, tenantOf } from './tenant-context.ts';

/** `/billing/v1/plans…`: a creator's plans (inside the authenticated scope of `api.routes.ts`). */
export const planRoutes: FastifyPluginAsyncTypebox<{ deps: RouteDeps }> = async (app, { deps }) => {
  const { plans } = deps;

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
        trialDays: body.trialDays ?? 0,
        allowPromotionCodes: body.allowPromotionCodes ?? false,
        showIds: body.showIds ?? [],
        episodeIds: body.episodeIds ?? [],
      });
      deps.notifyOutbox();
      reply.code(201);
      return planDto(plan);
    },
  });

  app.get('/billing/v1/plans', {
    schema: { response: { 200: PlanList, ...errorResponses(...authErrors, 500) } },
    handler: async (request) => ({ plans: (await plans.listPlans(tenantOf(request).id)).map(planDto) }),
  });

  app.get('/billing/v1/plans/:id', {
    schema: { params: IdParams, response: { 200: PlanBody, ...errorResponses(...authErrors, 404, 500) } },
    handler: async (request) => planDto(await plans.getPlan(tenantOf(request).id, request.params.id)),
  });

  app.patch('/billing/v1/plans/:id', {
    schema: {
      params: IdParams,
      body: PlanUpdate,
      response: { 200: PlanBody, ...errorResponses(...authErrors, 404, 409, 422, 500, 503) },
    },
    handler: async (request) => {
      const plan = await plans.updatePlan(tenantOf(request), request.params.id, request.body);
      deps.notifyOutbox();
      return planDto(plan);
    },
  });

  app.post('/billing/v1/plans/:id/archive', {
    schema: {
      params: IdParams,
      body: EmptyBody,
      response: { 200: PlanBody, ...errorResponses(...authErrors, 404, 500) },
    },
    handler: async (request) => planDto(await plans.archivePlan(tenantOf(request), request.params.id)),
  });
};
