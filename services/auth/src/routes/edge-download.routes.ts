import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { verifyDownloadToken } from '@gatehouse/tokens';
import Type from 'typebox';
import { edgeDenyResponses, emptyBody, sendDeny } from './edge-reply.ts';
import { answerMedia } from './media-answer.ts';
import type { RouteDeps } from './route-deps.ts';

const downloadParams = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 1024 }),
    fileName: Type.String({ minLength: 1, maxLength: 255 }),
  },
  { additionalProperties: false },
);

/**
 * `GET|HEAD /edge/download/:token/:fileName` — short-lived download links (seed 004) behind `/d/…`.
 * The token names the episode and expires (410); entitlement is checked again as for feed tokens,
 * so a cancellation or rotation also ends links already handed out.
 */
export function edgeDownloadRoutes(deps: RouteDeps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/edge/download/:token/:fileName', {
      attachValidation: true,
      schema: {
        params: downloadParams,
        response: {
          200: emptyBody(
            'Grant: X-Accel-Redirect, X-Media-Key, X-Media-Origin (s3), Content-Type, Content-Disposition.',
          ),
          ...edgeDenyResponses,
        },
      },
      handler: async (request, reply) => {
        const { token, fileName } = request.params;
        const verified = verifyDownloadToken(deps.keyring, token, Math.floor(deps.now() / 1000));
        if (!verified.ok) {
          return verified.reason === 'expired'
            ? sendDeny(reply, 410, 'this link has expired')
            : sendDeny(reply, 401, 'invalid token');
        }
        if (request.validationError) return sendDeny(reply, 404, 'episode not found');
        const { episodeId, ...claims } = verified.claims;
        return answerMedia(deps, request, reply, claims, episodeId, fileName);
      },
    });
  };
}
