import { createInternalTokenVerifier } from '@gatehouse/tenant-keys';
import type { FastifyInstance } from 'fastify';
import Type, { type Static } from 'typebox';
import { rotateAccessToken } from '../adapters/token-rotation.repository.ts';
import type { BillingDeps } from '../app.ts';
import { errorResponses, IdParams, RotateAnswer, Uuid } from './schemas.ts';

/**
 * `/internal/v1/…`: calls from the other services on the cluster network, never routed by the
 * edge (it proxies only `/billing/…` to billing), and only for callers holding INTERNAL_API_TOKEN
 * (`Authorization: Bearer …`, 401 otherwise). The feeds portal's "reset my feed link" lands
 * here: the same domain function as the creators' `/billing/v1/subscribers/:id/rotate-token`,
 * with the tenant named by the caller (the portal session) instead of an API key.
 */
const InternalRotateBody = Type.Object(
  {
    tenantId: Uuid,
    rotatedBy: Type.Union([Type.Literal('subscriber'), Type.Literal('creator')]),
  },
  { additionalProperties: false },
);
type InternalRotateBody = Static<typeof InternalRotateBody>;

export async function internalRoutes(app: FastifyInstance, deps: BillingDeps) {
  const internal = createInternalTokenVerifier(deps.internalApiToken);
  app.addHook('onRequest', async (request) => internal.verify(request.headers.authorization));
  app.post<{ Params: IdParams; Body: InternalRotateBody }>('/internal/v1/subscribers/:id/token-rotations', {
    schema: {
      params: IdParams,
      body: InternalRotateBody,
      response: { 200: RotateAnswer, ...errorResponses(400, 401, 404, 500) },
    },
    handler: async (request) => {
      const result = await rotateAccessToken(deps.prisma, {
        tenantId: request.body.tenantId,
        subscriberId: request.params.id,
        rotatedBy: request.body.rotatedBy,
      });
      deps.onCommitted();
      return { subscriberId: result.subscriberId, generation: result.generation };
    },
  });
}
