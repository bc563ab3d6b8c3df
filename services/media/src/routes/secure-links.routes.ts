import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError, errors } from '@gatehouse/errors';
import { ObjectExistsError, ObjectTooLargeError } from '@gatehouse/storage';
import Type from 'typebox';
import { SECURE_LINK_TTL, type SecureLinkIssuer } from '../domain/secure-link-issuer.ts';
import { tenantPrivateFileKey } from '../domain/secure-link-path.ts';
import { authErrors, DateTime, errorResponses } from './schemas.ts';

/** Writes a private file atomically, refusing to replace one (the local driver's streamed write). */
export type PrivateFileWriter = (
  key: string,
  body: Readable,
  options: { maxBytes: number; overwrite: false },
) => Promise<{ size: number }>;

export interface SecureLinkRouteOptions {
  issue: SecureLinkIssuer;
  /** `SECURE_LINK_PREFIX`, for the keys of uploaded private files (not `prefix`: Fastify reserves it). */
  privatePrefix: string;
  /** Present when the service can write into the edge's `secureLink.root` (PRIVATE_FILES_DIR). */
  privateFiles?: { write: PrivateFileWriter; maxBytes: number } | undefined;
}

const SecureLinkCreate = Type.Object(
  {
    path: Type.String({
      minLength: 1,
      maxLength: 1024,
      description: "Path under /s/, inside the tenant's area: {SECURE_LINK_PREFIX}t/{tenantId}/…",
    }),
    expiresInSeconds: Type.Integer({
      minimum: SECURE_LINK_TTL.min,
      maximum: SECURE_LINK_TTL.max,
      default: SECURE_LINK_TTL.default,
    }),
    bindClientIp: Type.Optional(
      Type.String({
        minLength: 2,
        maxLength: 45,
        description: 'Bind the link to this client address (only when the edge has secureLink.bindClientIp)',
      }),
    ),
  },
  { additionalProperties: false },
);
const SecureLinkIssued = Type.Object(
  { url: Type.String(), expiresAt: DateTime },
  { additionalProperties: false },
);
const PrivateFileParams = Type.Object(
  { '*': Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
);
const PrivateFileStored = Type.Object(
  {
    path: Type.String({ description: 'Path to pass to POST /api/v1/secure-links' }),
    size: Type.Integer(),
  },
  { additionalProperties: false },
);

/**
 * Seed 003 in the product: creators get nginx-verified expiring links (`/s/…?md5&expires`) for files
 * in their own private area, and (with PRIVATE_FILES_DIR) can put files there. Downloads never reach
 * a service: nginx checks the md5 and serves the file itself.
 */
export const secureLinkRoutes: FastifyPluginAsyncTypebox<SecureLinkRouteOptions> = async (app, options) => {
  app.post(
    '/secure-links',
    {
      schema: {
        body: SecureLinkCreate,
        response: { 201: SecureLinkIssued, ...errorResponses(...authErrors) },
      },
    },
    async (request, reply) => {
      const link = options.issue(request.tenantId, {
        path: request.body.path,
        expiresInSeconds: request.body.expiresInSeconds,
        clientIp: request.body.bindClientIp,
      });
      reply.code(201);
      return { url: link.url, expiresAt: new Date(link.expiresAt).toISOString() };
    },
  );

  const privateFiles = options.privateFiles;
  if (!privateFiles) return;
  // The body is streamed to disk, never parsed or buffered.
  await app.register(async (plain) => {
    const scope = plain.withTypeProvider<TypeBoxTypeProvider>();
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    scope.put(
      '/private-files/*',
      {
        schema: {
          params: PrivateFileParams,
          response: { 201: PrivateFileStored, ...errorResponses(...authErrors, 409, 413) },
        },
      },
      async (request, reply) => {
        // The router decodes the wildcard; an encoded separator or dot must not become a path.
        const rawPath = (request.raw.url ?? '').split('?')[0] ?? '';
        if (rawPath.includes('%'))
          throw new AppError(
            'SECURE_LINK_PATH_INVALID',
            400,
            'invalid secure link path: percent-encoded characters are not allowed',
          );
        const key = tenantPrivateFileKey({
          relativePath: request.params['*'],
          prefix: options.privatePrefix,
          tenantId: request.tenantId,
        });
        const declared = Number(request.headers['content-length']);
        if (Number.isFinite(declared) && declared > privateFiles.maxBytes)
          throw errors.payloadTooLarge(`private files are limited to ${privateFiles.maxBytes} bytes`);
        const body = (request.body as Readable | undefined) ?? request.raw;
        try {
          const { size } = await privateFiles.write(key, body, {
            maxBytes: privateFiles.maxBytes,
            overwrite: false,
          });
          reply.code(201);
          return { path: key, size };
        } catch (error) {
          if (error instanceof ObjectTooLargeError)
            throw errors.payloadTooLarge(`private files are limited to ${privateFiles.maxBytes} bytes`);
          if (error instanceof ObjectExistsError)
            throw errors.conflict('a file already exists at this path (files are never replaced)');
          throw error;
        }
      },
    );
  });
};
