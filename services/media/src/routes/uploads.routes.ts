import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { uploadDto, uploadInstructionsDto, uploadProgressDto } from './dto.ts';
import type { RouteDeps } from './route-deps.ts';
import {
  byIdSchema,
  created,
  deleteByIdSchema,
  IdParams,
  Upload,
  UploadComplete,
  UploadCreate,
  UploadInstructions,
  UploadProgress,
} from './schemas.ts';
import { withUnreadBody } from './unread-body.ts';

export const uploadRoutes: FastifyPluginAsyncTypebox<{ deps: RouteDeps }> = async (app, { deps }) => {
  const { uploads } = deps;

  app.post(
    '/episodes/:id/uploads',
    {
      schema: {
        params: IdParams,
        body: UploadCreate,
        response: created(UploadInstructions, 404, 409, 413),
      },
    },
    async (request, reply) => {
      const instructions = await uploads.start(request.tenantId, request.params.id, request.body);
      reply.code(201);
      return uploadInstructionsDto(instructions);
    },
  );

  app.get('/uploads/:id', { schema: byIdSchema(Upload) }, async (request) =>
    uploadDto(await uploads.get(request.tenantId, request.params.id)),
  );

  // Resume after a dropped connection: what storage holds, and fresh URLs for the parts still to send.
  app.get('/uploads/:id/parts', { schema: byIdSchema(UploadProgress, 409) }, async (request) =>
    uploadProgressDto(await uploads.progress(request.tenantId, request.params.id)),
  );

  // Without `parts` a multipart upload completes from the parts storage lists (all must be there).
  app.post(
    '/uploads/:id/complete',
    {
      schema: { ...byIdSchema(Upload, 409, 415, 422), body: UploadComplete },
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request) =>
      uploadDto(await uploads.complete(request.tenantId, request.params.id, request.body.parts, request.log)),
  );

  app.delete('/uploads/:id', { schema: deleteByIdSchema(409) }, async (request, reply) => {
    await uploads.abort(request.tenantId, request.params.id);
    reply.code(204);
    return null;
  });

  // Local storage only: the bytes come through the service (streamed, size-limited, written atomically).
  const receiveContent = uploads.receiveContent;
  if (!receiveContent) return;
  await app.register(
    withUnreadBody(async (scope) => {
      scope.put(
        '/uploads/:id/content',
        {
          schema: byIdSchema(Upload, 409, 413),
        },
        async (request) => {
          const declared = Number(request.headers['content-length']);
          return uploadDto(await receiveContent(request.tenantId, request.params.id, request.raw, declared));
        },
      );
    }),
  );
};
