import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { type AccessDecision, denyMessages, type VerifiedClaims } from '../domain/media-access-decider.ts';
import {
  type GrantIdentity,
  type Media,
  sendDecideDeny,
  sendDecideGrant,
  sendDeny,
  sendGrant,
  sendUnavailable,
} from './edge-reply.ts';
import type { RouteDeps } from './route-deps.ts';

// objectKey characters the protocol allows in X-Accel-Redirect (nginx %-decodes it; these need none).
const LOCAL_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9._-]+)*$/;

/** What a media request comes to, before it is written in one of the two answer styles. */
export type MediaOutcome =
  | { kind: 'grant'; media: Media; origin: string | undefined; identity: GrantIdentity }
  | { kind: 'deny'; status: 401 | 403 | 404 | 410; message: string }
  | { kind: 'unavailable' };

/**
 * The two ways the edge asks (docs/edge-protocol.md): `accel` answers with X-Accel-Redirect and the
 * deny status itself (`/edge/media`, `/edge/download`); `decide` answers an nginx `auth_request`
 * subrequest whose grant nginx may cache for at most a second (`/edge/decide/…`): grant 200,
 * deny 401/403 with the real status in `X-Media-Deny-Status`.
 */
export type AnswerStyle = 'accel' | 'decide';

export const deny = (status: 401 | 403 | 404 | 410, message: string): MediaOutcome => ({
  kind: 'deny',
  status,
  message,
});

/**
 * A decision (already read) → an outcome: local keys checked, s3 origins resolved. `claims` are
 * the verified token's (none for public media): with the decision they name who was granted.
 */
export async function outcomeOf(
  deps: RouteDeps,
  log: FastifyBaseLogger,
  decision: AccessDecision,
  episodeId: string,
  claims?: VerifiedClaims,
): Promise<MediaOutcome> {
  if (!decision.grant) return deny(decision.status, denyMessages[decision.reason]);
  const { media } = decision;
  const identity: GrantIdentity = {
    tenantId: claims?.tenantId ?? null,
    subscriberId: claims?.subscriberId ?? null,
    episodeId,
    via: decision.via,
  };
  if (media.storage === 'local') {
    if (!LOCAL_KEY.test(media.objectKey) || media.objectKey.includes('..')) {
      log.error({ episodeId }, 'episode record has an object key unfit for X-Accel-Redirect');
      return { kind: 'unavailable' };
    }
    return { kind: 'grant', media, origin: undefined, identity };
  }
  try {
    return { kind: 'grant', media, origin: await deps.origins.resolve(media.objectKey), identity };
  } catch (error) {
    log.warn({ err: error, episodeId }, 'no origin URL for a granted object; answering 503');
    return { kind: 'unavailable' };
  }
}

/** Subscriber media (feed tokens and download tokens) once the token is verified. */
export async function mediaOutcome(
  deps: RouteDeps,
  log: FastifyBaseLogger,
  claims: VerifiedClaims,
  episodeId: string,
  fileName: string,
): Promise<MediaOutcome> {
  let decision: AccessDecision;
  try {
    decision = await deps.checker.media(claims, episodeId, fileName);
  } catch (error) {
    log.warn({ err: error }, 'validity cache unreadable; answering 503');
    return { kind: 'unavailable' };
  }
  return outcomeOf(deps, log, decision, episodeId, claims);
}

/** Token-less public media: the episode's policy alone decides. */
export async function publicOutcome(
  deps: RouteDeps,
  log: FastifyBaseLogger,
  episodeId: string,
  fileName: string,
): Promise<MediaOutcome> {
  let decision: AccessDecision;
  try {
    decision = await deps.checker.publicMedia(episodeId, fileName);
  } catch (error) {
    log.warn({ err: error }, 'validity cache unreadable; answering 503');
    return { kind: 'unavailable' };
  }
  return outcomeOf(deps, log, decision, episodeId);
}

export function sendOutcome(reply: FastifyReply, outcome: MediaOutcome, style: AnswerStyle): FastifyReply {
  if (style === 'decide') {
    if (outcome.kind === 'grant')
      return sendDecideGrant(reply, outcome.media, outcome.origin, outcome.identity);
    if (outcome.kind === 'deny') return sendDecideDeny(reply, outcome.status, outcome.message);
    return sendDecideDeny(reply, 503, 'temporarily unable to decide; retry');
  }
  if (outcome.kind === 'grant') return sendGrant(reply, outcome.media, outcome.origin, outcome.identity);
  if (outcome.kind === 'deny') return sendDeny(reply, outcome.status, outcome.message);
  return sendUnavailable(reply);
}

/** Shared by /edge/media and /edge/download once the token is verified: decide, then redirect or deny. */
export async function answerMedia(
  deps: RouteDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  claims: VerifiedClaims,
  episodeId: string,
  fileName: string,
  style: AnswerStyle = 'accel',
): Promise<FastifyReply> {
  return sendOutcome(reply, await mediaOutcome(deps, request.log, claims, episodeId, fileName), style);
}
