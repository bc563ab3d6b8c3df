import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { verifyDownloadToken } from '@gatehouse/tokens';
import Type from 'typebox';
import { decideResponses } from './edge-reply.ts';
import { deny, mediaOutcome, publicOutcome, sendOutcome } from './media-answer.ts';
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
  return async (app) => {
    app.get(
      '/edge/decide/media/:token/:episodeId/:fileName',
      { exposeHeadRoute: false, schema: { params: mediaParams, response: decideResponses } },
      async (request, reply) => {
        const { token, episodeId, fileName } = request.params;
        const claims = token.length <= 1024 ? deps.verifyAccess(token) : undefined;
        if (claims === undefined) return sendOutcome(reply, deny(401, 'invalid token'), 'decide');
        if (!UUID_RE.test(episodeId) || fileName.length > FILE_NAME_MAX) {
          return sendOutcome(reply, deny(404, 'episode not found'), 'decide');
        }
        const outcome = await mediaOutcome(deps, request.log, claims, episodeId, fileName);
        return sendOutcome(reply, outcome, 'decide');
      },
    );

    app.get(
      '/edge/decide/download/:token/:fileName',
      { exposeHeadRoute: false, schema: { params: downloadParams, response: decideResponses } },
      async (request, reply) => {
        const { token, fileName } = request.params;
        const verified =
          token.length <= 1024
            ? verifyDownloadToken(deps.keyring, token, Math.floor(deps.now() / 1000))
            : undefined;
        if (!verified?.ok) {
          const outcome =
            verified?.reason === 'expired' ? deny(410, 'this link has expired') : deny(401, 'invalid token');
          return sendOutcome(reply, outcome, 'decide');
        }
        if (fileName.length > FILE_NAME_MAX)
          return sendOutcome(reply, deny(404, 'episode not found'), 'decide');
        const { episodeId, ...claims } = verified.claims;
        const outcome = await mediaOutcome(deps, request.log, claims, episodeId, fileName);
        return sendOutcome(reply, outcome, 'decide');
      },
    );

    app.get(
      '/edge/decide/public/:episodeId/:fileName',
      { exposeHeadRoute: false, schema: { params: publicParams, response: decideResponses } },
      async (request, reply) => {
        const { episodeId, fileName } = request.params;
        if (!UUID_RE.test(episodeId) || fileName.length > FILE_NAME_MAX) {
          return sendOutcome(reply, deny(404, 'episode not found'), 'decide');
        }
        return sendOutcome(reply, await publicOutcome(deps, request.log, episodeId, fileName), 'decide');
      },
    );
  };
}
