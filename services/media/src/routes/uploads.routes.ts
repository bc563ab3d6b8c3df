import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errors } from '@gatehouse/errors';
import { InvalidFileNameError, mediaObjectKey, ObjectTooLargeError, safeFileName } from '@gatehouse/storage';
import Type from 'typebox';
import { finalizeUpload } from '../domain/upload-finalizer.ts';
import { planUpload } from '../domain/upload-plan.ts';
import { uuidv7 } from '../domain/uuid-v7.ts';
import { uploadDto } from './dto.ts';
import type { RouteDeps } from './route-deps.ts';
import {
  authErrors,
  errorResponses,
  IdParams,
  Upload,
  UploadComplete,
  UploadCreate,
  UploadInstructions,
} from './schemas.ts';

export const uploadRoutes: FastifyPluginAsyncTypebox<{ deps: RouteDeps }> = async (app, { deps }) => {
  const { storage, uploads, limits } = deps;

  app.post(
    '/episodes/:id/uploads',
    {
      schema: {
        params: IdParams,
        body: UploadCreate,
        response: { 201: UploadInstructions, ...errorResponses(...authErrors, 404, 409, 413) },
      },
    },
    async (request, reply) => {
      const episode = await deps.episodes.get(request.tenantId, request.params.id);
      if (episode.status === 'removed') throw errors.conflict('episode was removed');
      const { byteSize, sha256, contentType } = request.body;
      let fileName: string;
      try {
        fileName = safeFileName(request.body.fileName);
      } catch (error) {
        if (error instanceof InvalidFileNameError) throw errors.validation(error.message);
        throw error;
      }
      const plan = planUpload(byteSize, limits, storage.kind === 's3');
      if (plan === 'too_large')
        throw errors.payloadTooLarge(`uploads are limited to ${limits.maxUploadBytes} bytes`);

      const uploadId = uuidv7();
      const objectKey = mediaObjectKey({
        tenantId: request.tenantId,
        episodeId: episode.id,
        uploadId,
        fileName,
      });
      const ttl = limits.uploadUrlTtlSeconds;
      const multipart =
        plan.kind === 'multipart' ? await storage.startMultipart({ objectKey, contentType }) : undefined;
      const upload = await uploads.create({
        id: uploadId,
        tenantId: request.tenantId,
        episodeId: episode.id,
        storage: storage.kind,
        objectKey,
        originalFileName: request.body.fileName,
        contentType,
        byteSize,
        sha256,
        multipartUploadId: multipart?.multipartUploadId ?? null,
      });
      reply.code(201);
      if (plan.kind === 'single') {
        const target = await storage.createUpload({ uploadId, objectKey, contentType, ttlSeconds: ttl });
        return {
          upload: uploadDto(upload),
          kind: 'single' as const,
          put: {
            method: target.method,
            url: target.url,
            headers: target.headers,
            expiresAt: new Date(target.expiresAt).toISOString(),
          },
        };
      }
      const parts = await Promise.all(
        Array.from({ length: plan.partCount }, async (_, index) => {
          const partNumber = index + 1;
          const signed = await storage.presignPart({
            objectKey,
            multipartUploadId: multipart!.multipartUploadId,
            partNumber,
            ttlSeconds: ttl,
          });
          const start = index * plan.partSize;
          return { partNumber, url: signed.url, start, end: Math.min(byteSize, start + plan.partSize) - 1 };
        }),
      );
      return {
        upload: uploadDto(upload),
        kind: 'multipart' as const,
        multipart: {
          partSize: plan.partSize,
          expiresAt: new Date(Date.now() + ttl * 1000).toISOString(),
          parts,
        },
      };
    },
  );

  app.get(
    '/uploads/:id',
    { schema: { params: IdParams, response: { 200: Upload, ...errorResponses(...authErrors, 404) } } },
    async (request) => {
      const upload = await uploads.find(request.tenantId, request.params.id);
      if (!upload) throw errors.notFound('upload');
      return uploadDto(upload);
    },
  );

  app.post(
    '/uploads/:id/complete',
    {
      schema: {
        params: IdParams,
        body: UploadComplete,
        response: { 200: Upload, ...errorResponses(...authErrors, 404, 409, 415, 422) },
      },
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request) => {
      const result = await finalizeUpload(
        {
          storage,
          find: uploads.find,
          markFailed: uploads.markFailed,
          markReadyAndAttach: uploads.markReadyAndAttach,
          afterReady: (upload) => {
            if (upload.storage !== 's3') return;
            deps.originKeeper.refresh(upload.objectKey).catch((error: unknown) => {
              request.log.warn(
                { err: error, uploadId: upload.id },
                'could not presign the origin URL after finalize',
              );
            });
          },
        },
        request.tenantId,
        request.params.id,
        request.body.parts,
      );
      return uploadDto(result.upload);
    },
  );

  app.delete(
    '/uploads/:id',
    {
      schema: {
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses(...authErrors, 404, 409) },
      },
    },
    async (request, reply) => {
      const upload = await uploads.find(request.tenantId, request.params.id);
      if (!upload) throw errors.notFound('upload');
      if (upload.status === 'ready') throw errors.conflict('a completed upload cannot be aborted');
      if (upload.multipartUploadId) {
        await storage
          .abortMultipart({ objectKey: upload.objectKey, multipartUploadId: upload.multipartUploadId })
          .catch(() => undefined);
      }
      await storage.delete(upload.objectKey);
      await uploads.markFailed(upload.id);
      reply.code(204);
      return null;
    },
  );

  // Local storage only: the bytes come through the service (streamed, size-limited, written atomically).
  if (storage.writeObject) {
    const write = storage.writeObject.bind(storage);
    await app.register(async (plain) => {
      const scope = plain.withTypeProvider<TypeBoxTypeProvider>();
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
      scope.put(
        '/uploads/:id/content',
        {
          schema: {
            params: IdParams,
            response: { 200: Upload, ...errorResponses(...authErrors, 404, 409, 413) },
          },
        },
        async (request) => {
          const upload = await uploads.find(request.tenantId, request.params.id);
          if (!upload) throw errors.notFound('upload');
          if (upload.status !== 'pending') throw errors.conflict(`upload is ${upload.status}`);
          const declared = Number(request.headers['content-length']);
          if (Number.isFinite(declared) && declared > upload.byteSize) {
            throw errors.payloadTooLarge(`body is larger than the declared ${upload.byteSize} bytes`);
          }
          try {
            await write(upload.objectKey, request.body as NodeJS.ReadableStream as never, {
              maxBytes: upload.byteSize,
            });
          } catch (error) {
            if (error instanceof ObjectTooLargeError)
              throw errors.payloadTooLarge(`body is larger than the declared ${upload.byteSize} bytes`);
            throw error;
          }
          return uploadDto(upload);
        },
      );
    });
  }
};
