import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { domainDto } from './dto.ts';
import type { RouteDeps } from './route-deps.ts';
import { byIdSchema, created, Domain, DomainCreate, ok } from './schemas.ts';

/**
 * Custom domains: the creator registers a host name, publishes the proof (DNS TXT `_gatehouse.{host}` =
 * token, or `http://{host}/.well-known/gatehouse-domain/{token}` answering the token), then verifies;
 * the Kubernetes reconciler routes active domains and issues their certificates.
 */
export const domainRoutes: FastifyPluginAsyncTypebox<{ deps: RouteDeps }> = async (app, { deps }) => {
  const { domains } = deps;

  app.post(
    '/domains',
    { schema: { body: DomainCreate, response: created(Domain, 409) } },
    async (request, reply) => {
      const domain = await domains.register(request.tenantId, request.body.hostname);
      reply.code(201);
      return domainDto(domain);
    },
  );

  app.get(
    '/domains',
    {
      schema: {
        response: ok(Type.Object({ items: Type.Array(Domain) }, { additionalProperties: false })),
      },
    },
    async (request) => ({ items: (await domains.list(request.tenantId)).map(domainDto) }),
  );

  app.get('/domains/:id', { schema: byIdSchema(Domain) }, async (request) =>
    domainDto(await domains.get(request.tenantId, request.params.id)),
  );

  app.post('/domains/:id/verify', { schema: byIdSchema(Domain, 409, 422) }, async (request) =>
    domainDto(await domains.verify(request.tenantId, request.params.id)),
  );

  // Deletes the domain (answered as `removing`): the host name is free at once; the reconciler drops
  // the route and certificate it no longer finds.
  app.delete('/domains/:id', { schema: byIdSchema(Domain) }, async (request) =>
    domainDto(await domains.remove(request.tenantId, request.params.id)),
  );
};
