import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '@gatehouse/errors';
import Type from 'typebox';
import { SECURE_LINK_TTL } from '../domain/secure-link-issuer.ts';
import type { SecureLinkRoutesDeps } from './route-deps.ts';
import { created, DateTime } from './schemas.ts';
import { withUnreadBody } from './unread-body.ts';

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
export const secureLinkRoutes: FastifyPluginAsyncTypebox<{ deps: SecureLinkRoutesDeps }> = async (
  app,
  { deps },
) => {
  app.post(
    '/secure-links',
    {
      schema: {
        body: SecureLinkCreate,
        response: created(SecureLinkIssued),
      },
    },
    async (request, reply) => {
      const link = deps.issue(request.tenantId, {
        path: request.body.path,
        expiresInSeconds: request.body.expiresInSeconds,
        clientIp: request.body.bindClientIp,
      });
      reply.code(201);
      return { url: link.url, expiresAt: new Date(link.expiresAt).toISOString() };
    },
  );

  const privateFiles = deps.privateFiles;
  if (!privateFiles) return;
  await app.register(
    withUnreadBody(async (scope) => {
      scope.put(
        '/private-files/*',
        {
          schema: {
            params: PrivateFileParams,
            response: created(PrivateFileStored, 409, 413),
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
          const declared = Number(request.headers['content-length']);
          const stored = await privateFiles.store(
            request.tenantId,
            request.params['*'],
            request.raw,
            declared,
          );
          reply.code(201);
          return stored;
        },
      );
    }),
  );
};
