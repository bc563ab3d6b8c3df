import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorBodySchema } from '@gatehouse/errors';
import Type from 'typebox';
import type { PublicShowsRouteDeps } from './route-deps.ts';

const Slug = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' });
const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

const PublicShowBody = Type.Object(
  {
    tenant: Type.Object({ slug: Type.String(), name: Type.String() }, { additionalProperties: false }),
    show: Type.Object(
      {
        slug: Type.String(),
        title: Type.String(),
        author: Type.String(),
        description: Type.String(),
        artworkUrl: Nullable(Type.String({ description: 'Root-relative (stored artwork) or absolute URL' })),
        language: Type.String(),
        explicit: Type.Boolean(),
      },
      { additionalProperties: false },
    ),
    episodes: Type.Array(
      Type.Object(
        {
          id: Type.String({ format: 'uuid' }),
          title: Type.String(),
          publishedAt: Type.String({ format: 'date-time' }),
          durationSeconds: Nullable(Type.Integer({ minimum: 0 })),
          access: Type.Union([Type.Literal('free'), Type.Literal('premium')]),
          episodeType: Type.Union([Type.Literal('full'), Type.Literal('trailer'), Type.Literal('bonus')]),
          seasonNumber: Nullable(Type.Integer()),
          episodeNumber: Nullable(Type.Integer()),
        },
        { additionalProperties: false },
      ),
      { description: 'Published episodes, newest first (at most 200). Never a media URL.' },
    ),
    plans: Type.Array(
      Type.Object(
        {
          id: Type.String({ format: 'uuid' }),
          name: Type.String(),
          description: Type.String(),
          amount: Type.Integer({ minimum: 0, description: 'Minor currency units' }),
          currency: Type.String({ description: 'ISO 4217, lower-case' }),
          interval: Type.Union([Type.Literal('month'), Type.Literal('year')]),
          trialDays: Type.Integer({ minimum: 0 }),
        },
        { additionalProperties: false },
      ),
      { description: 'Plans on sale that grant this show or some of its episodes, cheapest first.' },
    ),
  },
  { additionalProperties: false },
);

/**
 * `GET /web/v1/public/shows/:tenantSlug/:showSlug` — the public show page's data, no credentials.
 * Identical for everyone, so the edge and browsers may keep it briefly; unknown or unpublished → 404.
 */
export const publicShowsRoutes: FastifyPluginAsyncTypebox<{ deps: PublicShowsRouteDeps }> = async (
  app,
  { deps },
) => {
  app.get('/web/v1/public/shows/:tenantSlug/:showSlug', {
    schema: {
      params: Type.Object({ tenantSlug: Slug, showSlug: Slug }),
      response: { 200: PublicShowBody, 400: errorBodySchema, 404: errorBodySchema, 503: errorBodySchema },
    },
    // Both answers are public: a short shared cache absorbs a show page going viral.
    onSend: async (_request, reply) => {
      if (reply.statusCode === 200 || reply.statusCode === 404)
        reply.header('cache-control', `public, max-age=${reply.statusCode === 200 ? 60 : 10}`);
    },
    handler: async (request) => deps.publicShows.show(request.params.tenantSlug, request.params.showSlug),
  });
};
