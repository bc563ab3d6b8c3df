import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { domainDto } from './dto.ts';
import type { RouteDeps } from './route-deps.ts';
import { byIdSchema, created, Domain, DomainCreate, ok } from './schemas.ts';

/**
 * Custom domains: rows only. The Kubernetes reconciler (another component) verifies ownership with the
 * token, issues certificates and moves the status along.
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

  // Marks the domain for removal; the reconciler tears down ingress and certificate, then deletes it.
  app.delete('/domains/:id', { schema: byIdSchema(Domain) }, async (request) =>
    domainDto(await domains.remove(request.tenantId, request.params.id)),
  );
};
