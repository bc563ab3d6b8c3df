import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { subscriberDetailDto, subscriberDto } from './dto.ts';
import type { RouteDeps } from './route-deps.ts';
import {
  EmptyBody,
  errorResponses,
  IdParams,
  ResetFeedAnswer,
  RotateAnswer,
  RotateBody,
  SubscriberDetailBody,
  SubscriberList,
  SubscriberQuery,
} from './schemas.ts';
import { authErrors, tenantOf } from './tenant-context.ts';

/** `/billing/v1/subscribers…`: the creator's subscriber list and feed resets (authenticated scope). */
export const subscriberRoutes: FastifyPluginAsyncTypebox<{ deps: RouteDeps }> = async (app, { deps }) => {
  app.get('/billing/v1/subscribers', {
    schema: {
      querystring: SubscriberQuery,
      response: { 200: SubscriberList, ...errorResponses(...authErrors, 500) },
    },
    handler: async (request) => {
      const page = await deps.subscribers.list({ tenantId: tenantOf(request).id, ...request.query });
      return { items: page.items.map(subscriberDto), nextCursor: page.nextCursor };
    },
  });

  app.get('/billing/v1/subscribers/:id', {
    schema: {
      params: IdParams,
      response: { 200: SubscriberDetailBody, ...errorResponses(...authErrors, 404, 500) },
    },
    handler: async (request) =>
      subscriberDetailDto(await deps.subscribers.get(tenantOf(request).id, request.params.id)),
  });

  /** The dashboard's "reset feed URL": every URL with the old token answers 410 once auth has the event. */
  app.post('/billing/v1/subscribers/:id/reset-feed', {
    schema: {
      params: IdParams,
      body: EmptyBody,
      response: { 200: ResetFeedAnswer, ...errorResponses(...authErrors, 404, 500) },
    },
    handler: async (request) => {
      const result = await deps.rotateToken({
        tenantId: tenantOf(request).id,
        subscriberId: request.params.id,
        rotatedBy: 'creator',
      });
      deps.notifyOutbox();
      return {
        subscriberId: result.subscriberId,
        generation: result.generation,
        feedResetAt: result.rotatedAt.toISOString(),
      };
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
