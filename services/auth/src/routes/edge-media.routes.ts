import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { edgeDenyResponses, emptyBody, sendDeny } from './edge-reply.ts';
import { answerMedia, publicOutcome, sendOutcome } from './media-answer.ts';
import type { RouteDeps } from './route-deps.ts';

const EpisodeId = Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' });
const FileName = Type.String({ minLength: 1, maxLength: 255 });

export const mediaParamsSchema = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 1024 }), episodeId: EpisodeId, fileName: FileName },
  { additionalProperties: false },
);
const publicParamsSchema = Type.Object(
  { episodeId: EpisodeId, fileName: FileName },
  { additionalProperties: false },
);

/**
 * `GET|HEAD /edge/media/:token/:episodeId/:fileName` — the X-Accel responder behind `/m/…`.
 * The token is verified first and without I/O: a forged token never reaches Redis. Validation
 * errors are attached rather than thrown so that a bad token still answers 401 (nginx and clients
 * rely on it), and an episode id that is not a UUID is simply an unknown episode (404).
 */
export function edgeMediaRoutes(deps: RouteDeps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/edge/media/:token/:episodeId/:fileName', {
      attachValidation: true,
      schema: {
        params: mediaParamsSchema,
        response: {
          200: emptyBody(
            'Grant: X-Accel-Redirect, X-Media-Key, X-Media-Size, X-Media-Origin (s3), Content-Type, Content-Disposition.',
          ),
          ...edgeDenyResponses,
        },
      },
      handler: async (request, reply) => {
        const { token, episodeId, fileName } = request.params;
        const claims = token.length <= 1024 ? deps.verifyAccess(token) : undefined;
        if (claims === undefined) return sendDeny(reply, 401, 'invalid token');
        if (request.validationError) return sendDeny(reply, 404, 'episode not found');
        return answerMedia(deps, request, reply, claims, episodeId, fileName);
      },
    });

    // `GET|HEAD /edge/public/:episodeId/:fileName` — the X-Accel responder behind `/pub/…` (public
    // episodes, no token): the same decision as `/edge/decide/public`, answered X-Accel style.
    app.get('/edge/public/:episodeId/:fileName', {
      attachValidation: true,
      schema: {
        params: publicParamsSchema,
        response: {
          200: emptyBody(
            'Grant: X-Accel-Redirect, X-Media-Key, X-Media-Size, X-Media-Origin (s3), Content-Type, Content-Disposition.',
          ),
          ...edgeDenyResponses,
        },
      },
      handler: async (request, reply) => {
        if (request.validationError) return sendDeny(reply, 404, 'episode not found');
        const { episodeId, fileName } = request.params;
        return sendOutcome(reply, await publicOutcome(deps, request.log, episodeId, fileName), 'accel');
      },
    });
  };
}
