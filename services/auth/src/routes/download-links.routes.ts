import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorBodySchema, errors } from '@gatehouse/errors';
import { issueDownloadToken, verifyAccessToken } from '@gatehouse/tokens';
import Type from 'typebox';
import { denyMessages } from '../domain/media-access-decider.ts';
import type { RouteDeps } from './route-deps.ts';

const BEARER = /^Bearer ([A-Za-z0-9_-]{1,1024})$/;

/**
 * `POST /v1/download-links` — a signed-in web page (player, download button) trades the
 * subscriber's feed token for a short-lived `/d/…` link to one episode (seed 004). Issued only when
 * the subscriber is entitled right now; the edge checks entitlement again on every use.
 */
export function downloadLinksRoutes(deps: RouteDeps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/v1/download-links', {
      schema: {
        headers: Type.Object({
          authorization: Type.Optional(Type.String({ description: 'Bearer <feed token>' })),
        }),
        body: Type.Object(
          {
            episodeId: Type.String({
              pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
            }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object(
            {
              url: Type.String({ description: 'Public /d/{token}/{fileName} URL at the edge.' }),
              expiresAt: Type.Integer({ description: 'Unix seconds.' }),
            },
            { additionalProperties: false },
          ),
          400: errorBodySchema,
          401: errorBodySchema,
          403: errorBodySchema,
          404: errorBodySchema,
          410: errorBodySchema,
          503: errorBodySchema,
        },
      },
      handler: async (request, reply) => {
        reply.header('cache-control', 'no-store');
        const bearer = BEARER.exec(request.headers.authorization ?? '');
        const verified = bearer ? verifyAccessToken(deps.keyring, bearer[1]!) : undefined;
        if (!verified?.ok) throw errors.invalidToken();
        const { episodeId } = request.body;
        let decision: Awaited<ReturnType<RouteDeps['checker']['media']>>;
        try {
          decision = await deps.checker.media(verified.claims, episodeId, undefined);
        } catch (error) {
          throw errors.dependencyUnavailable('validity cache', error);
        }
        if (!decision.grant) {
          const message = denyMessages[decision.reason];
          if (decision.status === 404) throw errors.notFound('episode');
          if (decision.status === 410) throw errors.gone(message);
          throw errors.forbidden(message);
        }
        const expiresAt = Math.floor(deps.now() / 1000) + deps.downloadLinkTtlS;
        const token = issueDownloadToken(deps.keyring, { ...verified.claims, episodeId, expiresAt });
        const url = `${deps.publicBaseUrl}/d/${token}/${encodeURIComponent(decision.media.fileName)}`;
        return { url, expiresAt };
      },
    });
  };
}
