import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { catalogDtos } from './dto.ts';
import type { RouteDeps } from './route-deps.ts';
import {
  byIdSchema,
  created,
  deleteByIdSchema,
  list,
  ok,
  PageQuery,
  Show,
  ShowCreate,
  ShowUpdate,
} from './schemas.ts';

export const showRoutes: FastifyPluginAsyncTypebox<{ deps: RouteDeps }> = async (app, { deps }) => {
  const { shows } = deps;
  const { showDto } = catalogDtos(deps.publicBaseUrl);

  app.post(
    '/shows',
    { schema: { body: ShowCreate, response: created(Show, 409) } },
    async (request, reply) => {
      const show = await shows.create(request.tenantId, request.body);
      reply.code(201);
      return showDto(show);
    },
  );

  app.get('/shows', { schema: { querystring: PageQuery, response: ok(list(Show)) } }, async (request) => {
    const page = await shows.list(request.tenantId, request.query);
    return { items: page.items.map(showDto), nextCursor: page.nextCursor };
  });

  app.get('/shows/:id', { schema: byIdSchema(Show) }, async (request) =>
    showDto(await shows.get(request.tenantId, request.params.id)),
  );

  app.patch('/shows/:id', { schema: { ...byIdSchema(Show, 409), body: ShowUpdate } }, async (request) =>
    showDto(await shows.update(request.tenantId, request.params.id, request.body)),
  );

  app.delete('/shows/:id', { schema: deleteByIdSchema(409) }, async (request, reply) => {
    await shows.remove(request.tenantId, request.params.id);
    reply.code(204);
    return null;
  });
};
