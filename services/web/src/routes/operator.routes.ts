import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { apiKeyDto, tenantDto } from './dto.ts';
import type { OperatorRouteDeps } from './route-deps.ts';
import {
  ApiKeyCreate,
  ApiKeyList,
  errorResponses,
  InviteCreate,
  Invited,
  NewApiKey,
  noContent,
  Tenant,
  TenantCreate,
  TenantCreated,
  TenantKeyParams,
  TenantList,
  TenantParams,
  TenantPatch,
} from './schemas.ts';

/**
 * `/operator/v1/…`: the install's operator (the `gatehouse` CLI) creates creators, invites their people,
 * manages their API keys and platform fee. `Authorization: Bearer <OPERATOR_API_KEY>`; `:tenant` is a
 * tenant's id or slug.
 */
export const operatorRoutes: FastifyPluginAsyncTypebox<{ deps: OperatorRouteDeps }> = async (
  app,
  { deps },
) => {
  const { operator } = deps;
  app.addHook('onRequest', async (request) => deps.verifyOperator(request.headers.authorization));
  const auth = [401] as const;

  app.post('/operator/v1/tenants', {
    schema: {
      body: TenantCreate,
      response: { 201: TenantCreated, ...errorResponses(400, ...auth, 409, 500) },
    },
    handler: async (request, reply) => {
      const created = await operator.createTenant(request.body);
      reply.code(201);
      return { tenant: tenantDto(created.tenant), owner: created.owner, inviteSent: created.inviteSent };
    },
  });

  app.get('/operator/v1/tenants', {
    schema: { response: { 200: TenantList, ...errorResponses(...auth, 500) } },
    handler: async () => ({ items: (await operator.listTenants()).map(tenantDto) }),
  });

  app.get('/operator/v1/tenants/:tenant', {
    schema: { params: TenantParams, response: { 200: Tenant, ...errorResponses(400, ...auth, 404, 500) } },
    handler: async (request) => tenantDto(await operator.tenant(request.params.tenant)),
  });

  app.patch('/operator/v1/tenants/:tenant', {
    schema: {
      params: TenantParams,
      body: TenantPatch,
      response: { 200: Tenant, ...errorResponses(400, ...auth, 404, 500) },
    },
    handler: async (request) => tenantDto(await operator.updateTenant(request.params.tenant, request.body)),
  });

  app.post('/operator/v1/tenants/:tenant/invites', {
    schema: {
      params: TenantParams,
      body: InviteCreate,
      response: { 201: Invited, ...errorResponses(400, ...auth, 404, 500) },
    },
    handler: async (request, reply) => {
      const invited = await operator.invite(request.params.tenant, request.body.email, request.body.role);
      reply.code(201);
      return {
        tenantId: invited.tenant.id,
        user: invited.user,
        role: invited.role,
        inviteSent: invited.inviteSent,
      };
    },
  });

  app.get('/operator/v1/tenants/:tenant/api-keys', {
    schema: {
      params: TenantParams,
      response: { 200: ApiKeyList, ...errorResponses(400, ...auth, 404, 500) },
    },
    handler: async (request) => ({
      items: (await operator.listApiKeys(request.params.tenant)).map(apiKeyDto),
    }),
  });

  app.post('/operator/v1/tenants/:tenant/api-keys', {
    schema: {
      params: TenantParams,
      body: ApiKeyCreate,
      response: { 201: NewApiKey, ...errorResponses(400, ...auth, 404, 500) },
    },
    handler: async (request, reply) => {
      const created = await operator.createApiKey(request.params.tenant, request.body.name);
      reply.code(201).header('cache-control', 'no-store');
      return { ...apiKeyDto(created), key: created.key };
    },
  });

  app.delete('/operator/v1/tenants/:tenant/api-keys/:keyId', {
    schema: {
      params: TenantKeyParams,
      response: { ...noContent, ...errorResponses(400, ...auth, 404, 500) },
    },
    handler: async (request, reply) => {
      await operator.revokeApiKey(request.params.tenant, request.params.keyId);
      return reply.code(204).send();
    },
  });
};
