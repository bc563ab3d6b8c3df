import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { verifyDownloadToken } from '@gatehouse/tokens';
import type { FastifyReply } from 'fastify';
import Type, { type TSchema } from 'typebox';
import { decideResponses } from './edge-reply.ts';
import { answerMedia, deny, type MediaOutcome, publicOutcome, sendOutcome } from './media-answer.ts';
import type { RouteDeps } from './route-deps.ts';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// Params are typed by the schema but checked in the handler, not constrained by it: a malformed
// token must still be 401 and a malformed episode id 404 (the edge promises these statuses), and
// this route runs for every range request that misses nginx's one-second decision cache.
const mediaParams = Type.Object({ token: Type.String(), episodeId: Type.String(), fileName: Type.String() });
const downloadParams = Type.Object({ token: Type.String(), fileName: Type.String() });
const publicParams = Type.Object({ episodeId: Type.String(), fileName: Type.String() });

const FILE_NAME_MAX = 255;

/**
 * The `auth_request` endpoints behind `/m/`, `/d/` and `/pub/` (docs/edge-protocol.md, "Media:
 * the cached decision"). The same decisions as `/edge/media` and `/edge/download`, answered so
 * nginx can cache a grant for at most a second: 200 + X-Media-* headers, or 401/403 with the real
 * deny status in X-Media-Deny-Status.
 */
export function edgeDecideRoutes(deps: RouteDeps): FastifyPluginAsyncTypebox {
  const decide = (reply: FastifyReply, outcome: MediaOutcome) => sendOutcome(reply, outcome, 'decide');
  const episodeNotFound = deny(404, 'episode not found');
  return async (app) => {
    const options = <P extends TSchema>(params: P) => ({
      exposeHeadRoute: false,
      schema: { params, response: decideResponses },
    });

    app.get(
      '/edge/decide/media/:token/:episodeId/:fileName',
      options(mediaParams),
      async (request, reply) => {
        const { token, episodeId, fileName } = request.params;
        const claims = token.length <= 1024 ? deps.verifyAccess(token) : undefined;
        if (claims === undefined) return decide(reply, deny(401, 'invalid token'));
        if (!UUID_RE.test(episodeId) || fileName.length > FILE_NAME_MAX)
          return decide(reply, episodeNotFound);
        return answerMedia(deps, request, reply, claims, episodeId, fileName, 'decide');
      },
    );

    app.get('/edge/decide/download/:token/:fileName', options(downloadParams), async (request, reply) => {
      const { token, fileName } = request.params;
      const verified =
        token.length <= 1024
          ? verifyDownloadToken(deps.keyring, token, Math.floor(deps.now() / 1000))
          : undefined;
      if (!verified?.ok) {
        return decide(
          reply,
          verified?.reason === 'expired' ? deny(410, 'this link has expired') : deny(401, 'invalid token'),
        );
      }
      if (fileName.length > FILE_NAME_MAX) return decide(reply, episodeNotFound);
      const { episodeId, ...claims } = verified.claims;
      return answerMedia(deps, request, reply, claims, episodeId, fileName, 'decide');
    });

    app.get('/edge/decide/public/:episodeId/:fileName', options(publicParams), async (request, reply) => {
      const { episodeId, fileName } = request.params;
      if (!UUID_RE.test(episodeId) || fileName.length > FILE_NAME_MAX) return decide(reply, episodeNotFound);
      return decide(reply, await publicOutcome(deps, request.log, episodeId, fileName));
    });
  };
}
