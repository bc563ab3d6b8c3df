import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { isUniqueViolation } from '@gatehouse/db';
import { errors } from '@gatehouse/errors';
import Type from 'typebox';
import { showDto } from './dto.ts';
import type { RouteDeps } from './route-deps.ts';
import {
  authErrors,
  errorResponses,
  IdParams,
  list,
  PageQuery,
  Show,
  ShowCreate,
  ShowUpdate,
} from './schemas.ts';

export const showRoutes: FastifyPluginAsyncTypebox<{ deps: RouteDeps }> = async (app, { deps }) => {
  const { prisma } = deps;
  const slugTaken = () => errors.conflict('a show with this slug already exists');

  app.post(
    '/shows',
    { schema: { body: ShowCreate, response: { 201: Show, ...errorResponses(...authErrors, 409) } } },
    async (request, reply) => {
      try {
        const show = await prisma.show.create({
          data: { ...request.body, tenantId: request.tenantId, podcastGuid: randomUUID() },
        });
        reply.code(201);
        return showDto(show);
      } catch (error) {
        throw isUniqueViolation(error) ? slugTaken() : error;
      }
    },
  );

  app.get(
    '/shows',
    { schema: { querystring: PageQuery, response: { 200: list(Show), ...errorResponses(...authErrors) } } },
    async (request) => {
      const { limit, cursor } = request.query;
      const rows = await prisma.show.findMany({
        where: { tenantId: request.tenantId },
        orderBy: { id: 'asc' },
        take: limit + 1,
        ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
      });
      const items = rows.slice(0, limit);
      return {
        items: items.map(showDto),
        nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null,
      };
    },
  );

  app.get(
    '/shows/:id',
    { schema: { params: IdParams, response: { 200: Show, ...errorResponses(...authErrors, 404) } } },
    async (request) => {
      const show = await prisma.show.findFirst({
        where: { id: request.params.id, tenantId: request.tenantId },
      });
      if (!show) throw errors.notFound('show');
      return showDto(show);
    },
  );

  app.patch(
    '/shows/:id',
    {
      schema: {
        params: IdParams,
        body: ShowUpdate,
        response: { 200: Show, ...errorResponses(...authErrors, 404, 409) },
      },
    },
    async (request) => {
      try {
        const updated = await prisma.show.updateManyAndReturn({
          where: { id: request.params.id, tenantId: request.tenantId },
          data: request.body,
        });
        if (!updated[0]) throw errors.notFound('show');
        return showDto(updated[0]);
      } catch (error) {
        throw isUniqueViolation(error) ? slugTaken() : error;
      }
    },
  );

  app.delete(
    '/shows/:id',
    {
      schema: {
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses(...authErrors, 404, 409) },
      },
    },
    async (request, reply) => {
      const where = { id: request.params.id, tenantId: request.tenantId };
      if (!(await prisma.show.findFirst({ where, select: { id: true } }))) throw errors.notFound('show');
      // Deleting rows would leave the edge's episode policies behind: episodes are removed first (events).
      const live = await prisma.episode.count({ where: { showId: where.id, status: { not: 'removed' } } });
      if (live > 0) throw errors.conflict('remove the show’s episodes first');
      await prisma.show.deleteMany({ where });
      reply.code(204);
      return null;
    },
  );
};
