import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { catalogDtos } from './dto.ts';
import type { RouteDeps } from './route-deps.ts';
import {
  byIdSchema,
  created,
  Episode,
  EpisodeCreate,
  EpisodePublish,
  EpisodeUpdate,
  list,
  ok,
  PageQuery,
  ShowIdParams,
} from './schemas.ts';

export const episodeRoutes: FastifyPluginAsyncTypebox<{ deps: RouteDeps }> = async (app, { deps }) => {
  const { episodes } = deps;
  const { episodeDto } = catalogDtos(deps.publicBaseUrl);

  app.post(
    '/shows/:showId/episodes',
    {
      schema: {
        params: ShowIdParams,
        body: EpisodeCreate,
        response: created(Episode, 404, 409),
      },
    },
    async (request, reply) => {
      const episode = await episodes.create(request.tenantId, request.params.showId, request.body);
      reply.code(201);
      return episodeDto(episode);
    },
  );

  app.get(
    '/shows/:showId/episodes',
    {
      schema: {
        params: ShowIdParams,
        querystring: PageQuery,
        response: ok(list(Episode), 404),
      },
    },
    async (request) => {
      const page = await episodes.list(request.tenantId, request.params.showId, request.query);
      return { items: page.items.map(episodeDto), nextCursor: page.nextCursor };
    },
  );

  app.get('/episodes/:id', { schema: byIdSchema(Episode) }, async (request) =>
    episodeDto(await episodes.get(request.tenantId, request.params.id)),
  );

  app.patch(
    '/episodes/:id',
    { schema: { ...byIdSchema(Episode, 409), body: EpisodeUpdate } },
    async (request) => episodeDto(await episodes.edit(request.tenantId, request.params.id, request.body)),
  );

  app.post(
    '/episodes/:id/publish',
    {
      schema: { ...byIdSchema(Episode, 409), body: EpisodePublish },
      // A publish without a body means "now".
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request) =>
      episodeDto(await episodes.publish(request.tenantId, request.params.id, request.body.publishedAt)),
  );

  app.post('/episodes/:id/unpublish', { schema: byIdSchema(Episode, 409) }, async (request) =>
    episodeDto(await episodes.unpublish(request.tenantId, request.params.id)),
  );

  // Removal is a state, not a row deletion: the edge learns it (policy + event) and answers 404.
  app.delete('/episodes/:id', { schema: byIdSchema(Episode, 409) }, async (request) =>
    episodeDto(await episodes.remove(request.tenantId, request.params.id)),
  );
};
