import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { IncomingFile } from '../domain/public-files/public-files.service.ts';
import { catalogDtos } from './dto.ts';
import type { RouteDeps } from './route-deps.ts';
import { byIdSchema, Episode, errorResponses, Show, Uuid } from './schemas.ts';
import { withUnreadBody } from './unread-body.ts';

/** The unread body with its declared type and length. */
const incoming = (request: FastifyRequest): IncomingFile => ({
  body: request.raw,
  contentType: request.headers['content-type'],
  declaredBytes: Number(request.headers['content-length']),
});

/** The creators' side: artwork, transcripts and chapters sent as the request body (one small file each). */
export const publicFileUploadRoutes: FastifyPluginAsyncTypebox<{ deps: RouteDeps }> = async (
  app,
  { deps },
) => {
  const { publicFiles } = deps;
  const { showDto, episodeDto } = catalogDtos(deps.publicBaseUrl);
  await app.register(
    withUnreadBody(async (scope) => {
      scope.put('/shows/:id/artwork', { schema: byIdSchema(Show, 413, 415, 422) }, async (request) =>
        showDto(await publicFiles.putArtwork(request.tenantId, request.params.id, incoming(request))),
      );
      for (const kind of ['transcript', 'chapters'] as const) {
        scope.put(
          `/episodes/:id/${kind}`,
          { schema: byIdSchema(Episode, 409, 413, 415, 422) },
          async (request) =>
            episodeDto(
              await publicFiles.putEpisodeFile(request.tenantId, request.params.id, kind, incoming(request)),
            ),
        );
      }
    }),
  );
  app.delete('/shows/:id/artwork', { schema: byIdSchema(Show) }, async (request) =>
    showDto(await publicFiles.removeArtwork(request.tenantId, request.params.id)),
  );
  for (const kind of ['transcript', 'chapters'] as const) {
    app.delete(`/episodes/:id/${kind}`, { schema: byIdSchema(Episode, 409) }, async (request) =>
      episodeDto(await publicFiles.removeEpisodeFile(request.tenantId, request.params.id, kind)),
    );
  }
};

/**
 * The podcast apps' side, without credentials: a stored file by id and name. Immutable (a new upload is a
 * new id), so caches may keep it; 404 once it is replaced or its episode is not (yet) published.
 */
export const publicFileRoutes: FastifyPluginAsyncTypebox<{ deps: RouteDeps }> = async (app, { deps }) => {
  app.get(
    '/files/:id/:fileName',
    {
      schema: {
        params: Type.Object(
          { id: Uuid, fileName: Type.String({ minLength: 1, maxLength: 200 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Unsafe<unknown>({ type: 'string', format: 'binary', description: 'the file' }),
          ...errorResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const { file, body } = await deps.publicFiles.open(request.params.id, request.params.fileName);
      return reply
        .header('content-type', file.contentType)
        .header('content-length', file.byteSize)
        .header('etag', `"${file.sha256}"`)
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('x-content-type-options', 'nosniff')
        .header('access-control-allow-origin', '*')
        .send(body);
    },
  );
};
