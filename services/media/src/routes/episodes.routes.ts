import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { isUniqueViolation } from '@gatehouse/db';
import { errors } from '@gatehouse/errors';
import { episodeDto } from './dto.ts';
import type { RouteDeps } from './route-deps.ts';
import {
  authErrors,
  Episode,
  EpisodeCreate,
  EpisodePublish,
  EpisodeUpdate,
  errorResponses,
  IdParams,
  list,
  PageQuery,
  ShowIdParams,
} from './schemas.ts';

/**
 * A request's date-time as a Date. The edge's access records carry these as Unix milliseconds ≥ 0
 * (`@gatehouse/contracts`), so a date before 1970 — valid RFC 3339 — is refused here with a 400
 * instead of failing as an invalid event (a 500) when the episode is next written.
 */
function toDate(value: string, field: string): Date;
function toDate(value: string | null | undefined, field: string): Date | null | undefined;
function toDate(value: string | null | undefined, field: string): Date | null | undefined {
  if (value === undefined || value === null) return value;
  const date = new Date(value);
  if (!(date.getTime() >= 0)) throw errors.validation(`body/${field} must be 1970-01-01T00:00:00Z or later`);
  return date;
}

export const episodeRoutes: FastifyPluginAsyncTypebox<{ deps: RouteDeps }> = async (app, { deps }) => {
  const { episodes } = deps;

  app.post(
    '/shows/:showId/episodes',
    {
      schema: {
        params: ShowIdParams,
        body: EpisodeCreate,
        response: { 201: Episode, ...errorResponses(...authErrors, 404, 409) },
      },
    },
    async (request, reply) => {
      const { earlyAccessUntil, ...rest } = request.body;
      try {
        const row = await episodes.create(request.tenantId, request.params.showId, {
          ...rest,
          ...(earlyAccessUntil !== undefined
            ? { earlyAccessUntil: toDate(earlyAccessUntil, 'earlyAccessUntil') }
            : {}),
        });
        reply.code(201);
        return episodeDto(row);
      } catch (error) {
        throw isUniqueViolation(error)
          ? errors.conflict('an episode with this guid already exists in the show')
          : error;
      }
    },
  );

  app.get(
    '/shows/:showId/episodes',
    {
      schema: {
        params: ShowIdParams,
        querystring: PageQuery,
        response: { 200: list(Episode), ...errorResponses(...authErrors, 404) },
      },
    },
    async (request) => {
      const show = await deps.prisma.show.findFirst({
        where: { id: request.params.showId, tenantId: request.tenantId },
        select: { id: true },
      });
      if (!show) throw errors.notFound('show');
      const page = await episodes.list(request.tenantId, show.id, request.query);
      return { items: page.items.map(episodeDto), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/episodes/:id',
    { schema: { params: IdParams, response: { 200: Episode, ...errorResponses(...authErrors, 404) } } },
    async (request) => episodeDto(await episodes.get(request.tenantId, request.params.id)),
  );

  app.patch(
    '/episodes/:id',
    {
      schema: {
        params: IdParams,
        body: EpisodeUpdate,
        response: { 200: Episode, ...errorResponses(...authErrors, 404, 409) },
      },
    },
    async (request) => {
      const { earlyAccessUntil, ...rest } = request.body;
      const row = await episodes.change(request.tenantId, request.params.id, async (_tx, current) => {
        if (current.status === 'removed') throw errors.conflict('episode was removed');
        return {
          ...rest,
          ...(earlyAccessUntil !== undefined
            ? { earlyAccessUntil: toDate(earlyAccessUntil, 'earlyAccessUntil') }
            : {}),
        };
      });
      return episodeDto(row);
    },
  );

  app.post(
    '/episodes/:id/publish',
    {
      schema: {
        params: IdParams,
        body: EpisodePublish,
        response: { 200: Episode, ...errorResponses(...authErrors, 404, 409) },
      },
      // A publish without a body means "now".
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request) => {
      const requested =
        request.body.publishedAt === undefined ? undefined : toDate(request.body.publishedAt, 'publishedAt');
      const row = await episodes.change(request.tenantId, request.params.id, async (_tx, current) => {
        if (current.status === 'removed') throw errors.conflict('episode was removed');
        if (current.currentMediaAsset?.status !== 'ready')
          throw errors.conflict('episode has no ready media; complete an upload first');
        const publishedAt = requested ?? current.publishedAt ?? new Date();
        return { status: 'published', publishedAt };
      });
      return episodeDto(row);
    },
  );

  app.post(
    '/episodes/:id/unpublish',
    { schema: { params: IdParams, response: { 200: Episode, ...errorResponses(...authErrors, 404, 409) } } },
    async (request) => {
      const row = await episodes.change(request.tenantId, request.params.id, async (_tx, current) => {
        if (current.status === 'removed') throw errors.conflict('episode was removed');
        return { status: 'draft' };
      });
      return episodeDto(row);
    },
  );

  // Removal is a state, not a row deletion: the edge learns it (policy + event) and answers 404.
  app.delete(
    '/episodes/:id',
    { schema: { params: IdParams, response: { 200: Episode, ...errorResponses(...authErrors, 404, 409) } } },
    async (request) => {
      const row = await episodes.change(request.tenantId, request.params.id, async (_tx, current) => {
        if (current.status === 'removed') throw errors.conflict('episode was already removed');
        return { status: 'removed' };
      });
      return episodeDto(row);
    },
  );
};
