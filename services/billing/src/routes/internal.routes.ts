import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { RouteDeps } from './route-deps.ts';
import { errorResponses, IdParams, InternalRotateBody, RotateAnswer } from './schemas.ts';

/**
 * `/internal/v1/…`: calls from the other services on the cluster network, never routed by the
 * edge (it proxies only `/billing/…` to billing), and only for callers holding INTERNAL_API_TOKEN
 * (`Authorization: Bearer …`, 401 otherwise). The feeds portal's "reset my feed link" lands
 * here: the same domain function as the creators' `/billing/v1/subscribers/:id/rotate-token`,
 * with the tenant named by the caller (the portal session) instead of an API key.
 */
export const internalRoutes: FastifyPluginAsyncTypebox<{ deps: RouteDeps }> = async (app, { deps }) => {
  app.addHook('onRequest', async (request) => deps.internalToken.verify(request.headers.authorization));
  app.post('/internal/v1/subscribers/:id/token-rotations', {
    schema: {
      params: IdParams,
      body: InternalRotateBody,
      response: { 200: RotateAnswer, ...errorResponses(400, 401, 404, 500) },
    },
    handler: async (request) => {
      const result = await deps.rotateToken({
        tenantId: request.body.tenantId,
        subscriberId: request.params.id,
        rotatedBy: request.body.rotatedBy,
      });
      deps.notifyOutbox();
      return { subscriberId: result.subscriberId, generation: result.generation };
    },
  });
};
