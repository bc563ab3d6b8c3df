import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorBodySchema } from '@gatehouse/observability';
import Type from 'typebox';
import type { RouteDeps } from './route-deps.ts';

/**
 * `POST /internal/v1/origins` — the auth service's cold path when Redis holds no usable origin URL for an
 * object (docs/edge-protocol.md). Not routed by the edge, and only for callers holding INTERNAL_API_TOKEN
 * (checked by the scope's onRequest hook in app.ts: 401 otherwise).
 */
export const originRoutes: FastifyPluginAsyncTypebox<{ deps: RouteDeps }> = async (app, { deps }) => {
  app.post(
    '/internal/v1/origins',
    {
      schema: {
        body: Type.Object(
          { objectKey: Type.String({ minLength: 1, maxLength: 1024 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object(
            { url: Type.String(), expiresAt: Type.Integer() },
            { additionalProperties: false },
          ),
          400: errorBodySchema,
          401: errorBodySchema,
          404: errorBodySchema,
        },
      },
    },
    async (request) => {
      const record = await deps.origins(request.body.objectKey);
      return { url: record.url, expiresAt: record.expiresAt };
    },
  );
};
