import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VerifiedClaims } from '../domain/media-access-decider.ts';
import { sendDecisionDeny, sendGrant, sendUnavailable } from './edge-reply.ts';
import type { RouteDeps } from './route-deps.ts';

// objectKey characters the protocol allows in X-Accel-Redirect (nginx %-decodes it; these need none).
const LOCAL_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9._-]+)*$/;

/** Shared by /edge/media and /edge/download once the token is verified: decide, then redirect or deny. */
export async function answerMedia(
  deps: RouteDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  claims: VerifiedClaims,
  episodeId: string,
  fileName: string,
): Promise<FastifyReply> {
  let decision: Awaited<ReturnType<RouteDeps['checker']['media']>>;
  try {
    decision = await deps.checker.media(claims, episodeId, fileName);
  } catch (error) {
    request.log.warn({ err: error }, 'validity cache unreadable; answering 503');
    return sendUnavailable(reply);
  }
  if (!decision.grant) return sendDecisionDeny(reply, decision.status, decision.reason);
  const { media } = decision;
  if (media.storage === 'local') {
    if (!LOCAL_KEY.test(media.objectKey) || media.objectKey.includes('..')) {
      request.log.error({ episodeId }, 'episode record has an object key unfit for X-Accel-Redirect');
      return sendUnavailable(reply);
    }
    return sendGrant(reply, media, undefined);
  }
  let origin: string;
  try {
    origin = await deps.origins.resolve(media.objectKey);
  } catch (error) {
    request.log.warn({ err: error, episodeId }, 'no origin URL for a granted object; answering 503');
    return sendUnavailable(reply);
  }
  return sendGrant(reply, media, origin);
}
