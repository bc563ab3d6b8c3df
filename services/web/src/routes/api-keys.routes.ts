import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { apiKeyDto } from './dto.ts';
import type { CreatorRouteDeps } from './route-deps.ts';
import { ApiKeyCreate, ApiKeyList, ApiKeyParams, errorResponses, NewApiKey, noContent } from './schemas.ts';

/** The signed-in creator's API keys for the session's tenant (`gh_studio` cookie + X-CSRF-Token on writes). */
export const apiKeysRoutes: FastifyPluginAsyncTypebox<{ deps: CreatorRouteDeps }> = async (app, { deps }) => {
  const { signIn, apiKeys } = deps;
  const authErrors = [401, 403] as const;

  app.get('/web/v1/api-keys', {
    schema: { response: { 200: ApiKeyList, ...errorResponses(...authErrors, 500) } },
    handler: async (request) => {
      const session = await signIn.requireSession(request);
      return { items: (await apiKeys.list(session.tenantId)).map(apiKeyDto) };
    },
  });

  app.post('/web/v1/api-keys', {
    schema: { body: ApiKeyCreate, response: { 201: NewApiKey, ...errorResponses(400, ...authErrors, 500) } },
    handler: async (request, reply) => {
      const session = await signIn.requireSession(request);
      const created = await apiKeys.create(session.tenantId, request.body.name);
      reply.code(201).header('cache-control', 'no-store');
      return { ...apiKeyDto(created), key: created.key };
    },
  });

  app.delete('/web/v1/api-keys/:id', {
    schema: {
      params: ApiKeyParams,
      response: { ...noContent, ...errorResponses(400, ...authErrors, 404, 500) },
    },
    handler: async (request, reply) => {
      const session = await signIn.requireSession(request);
      await apiKeys.revoke(session.tenantId, request.params.id);
      return reply.code(204).send();
    },
  });
};
