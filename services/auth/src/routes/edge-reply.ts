import type { EpisodePolicy } from '@gatehouse/contracts';
import type { FastifyReply } from 'fastify';
import { type DenyReason, denyMessages } from '../domain/media-access-decider.ts';

/**
 * How the auth service talks to nginx (docs/edge-protocol.md). Grants are an empty 200 whose
 * headers carry the internal redirect; denies are a short `text/plain` reason that is never cached.
 * Nothing here ever writes a storage URL or object key into a body.
 */
export type Media = NonNullable<EpisodePolicy['media']>;

/**
 * Who a grant is for, as the decision saw it: nginx captures it (`auth_request_set`, or
 * `$upstream_http_*` across an X-Accel-Redirect) for the edge records, so the records never parse a
 * token. Sent on grants only; never forwarded to a client.
 */
export interface GrantIdentity {
  /** Null for token-less public media (the public decision reads no tenant). */
  tenantId: string | null;
  subscriberId: string | null;
  episodeId: string;
  via: 'public' | 'early_access' | 'lifecycle' | 'plan';
}

/**
 * One header, `X-Gatehouse-Grant: <tenant> <subscriber> <episode> <access>` (`-` for none): nginx
 * finds each upstream header it captures by a scan of the answer's headers, and capturing four
 * cost about 3 500 more instructions per request than one (bench/edge-records-nginx-instructions.bench.ts).
 */
function grantHeader(identity: GrantIdentity): string {
  return `${identity.tenantId ?? '-'} ${identity.subscriberId ?? '-'} ${identity.episodeId} ${identity.via}`;
}

function identityHeaders(reply: FastifyReply, identity: GrantIdentity): FastifyReply {
  return reply.header('x-gatehouse-grant', grantHeader(identity));
}

export const textBody = (description: string) => ({ type: 'string', description }) as const;
export const emptyBody = (description: string) => ({ type: 'null', description }) as const;

export const edgeDenyResponses = {
  // Answered before routing by the app's frameworkErrors (JSON, not a deny text).
  400: {
    type: 'object',
    additionalProperties: true,
    description: 'Undecodable path, or a path segment over 1024 characters; refused before routing.',
  },
  401: textBody('Forged, malformed or unknown-key token; no Redis lookup happened.'),
  403: textBody('Not entitled, or a token of another tenant.'),
  404: textBody('Unknown or unpublished episode, or a file name that is not the episode file.'),
  410: textBody('Rotated token generation, or an expired link.'),
  503: textBody('Cannot decide right now (validity cache or origin issuer unavailable); Retry-After: 1.'),
} as const;

/** What an `auth_request` subrequest (`/edge/decide/…`) may answer; nginx maps the rest back. */
export const decideResponses = {
  200: emptyBody(
    'Grant: X-Media-Target (internal location), X-Media-Key, X-Media-Size, X-Media-Origin (s3), Content-Type, Content-Disposition, Cache-Control; identity for the edge records: X-Gatehouse-Grant (tenant, subscriber, episode, access; - for none).',
  ),
  401: textBody('Forged, malformed or unknown-key token; X-Media-Deny-Status: 401.'),
  403: textBody(
    'Any other deny; X-Media-Deny-Status carries 403, 404, 410 or 503, X-Media-Deny-Reason the text.',
  ),
} as const;

export function sendDeny(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .header('content-type', 'text/plain; charset=utf-8')
    .send(message);
}

export function sendDecisionDeny(reply: FastifyReply, status: number, reason: DenyReason): FastifyReply {
  return sendDeny(reply, status, denyMessages[reason]);
}

export function sendUnavailable(reply: FastifyReply): FastifyReply {
  return reply
    .header('retry-after', '1')
    .code(503)
    .header('cache-control', 'no-store')
    .header('content-type', 'text/plain; charset=utf-8')
    .send('temporarily unable to decide; retry');
}

// Header values per media record, built once: the records are cached objects, so a WeakMap
// keyed by them saves the string work on every Range request of the same episode.
const dispositions = new WeakMap<Media, string>();

export function contentDisposition(media: Media): string {
  let value = dispositions.get(media);
  if (value === undefined) {
    const ascii = media.fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
    value = `inline; filename="${ascii}"`;
    if (ascii !== media.fileName) value += `; filename*=UTF-8''${encodeURIComponent(media.fileName)}`;
    dispositions.set(media, value);
  }
  return value;
}

/**
 * Deny for an `auth_request` subrequest: nginx understands only 2xx/401/403 there, so every status
 * but 401 travels as 403 + `X-Media-Deny-Status`; nginx answers the client with the real one.
 * Never cached by nginx (only 200 is).
 */
export function sendDecideDeny(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply
    .code(status === 401 ? 401 : 403)
    .header('x-media-deny-status', String(status))
    .header('x-media-deny-reason', message)
    .header('cache-control', 'no-store')
    .header('content-type', 'text/plain; charset=utf-8')
    .send(message);
}

/**
 * A deny for the feed's `auth_request`: nginx passes only 401/403 there, so a rotated token (410,
 * "gone: stop polling this URL") travels as 403 + `X-Gatehouse-Deny-Status: 410`, and nginx answers
 * the client with the status in that header (docs/edge-protocol.md, "Feeds and APIs").
 */
export function sendFeedDeny(reply: FastifyReply, status: 401 | 403 | 410, message: string): FastifyReply {
  reply.header('x-gatehouse-deny-status', String(status));
  return sendDeny(reply, status === 401 ? 401 : 403, message);
}

/** Grant for an `auth_request` subrequest: the internal target in X-Media-Target (not X-Accel-Redirect). */
export function sendDecideGrant(
  reply: FastifyReply,
  media: Media,
  origin: string | undefined,
  identity: GrantIdentity,
): FastifyReply {
  return sendMediaGrant(reply, 'x-media-target', media, origin, identity);
}

/** Grant: empty 200 with X-Accel-Redirect; `origin` is the presigned URL for the s3 driver. */
export function sendGrant(
  reply: FastifyReply,
  media: Media,
  origin: string | undefined,
  identity: GrantIdentity,
): FastifyReply {
  return sendMediaGrant(reply, 'x-accel-redirect', media, origin, identity);
}

/** Both grant styles: the same headers in the same order; only the header naming the internal target differs. */
function sendMediaGrant(
  reply: FastifyReply,
  targetHeader: 'x-media-target' | 'x-accel-redirect',
  media: Media,
  origin: string | undefined,
  identity: GrantIdentity,
): FastifyReply {
  identityHeaders(reply, identity);
  if (media.storage === 's3') {
    reply.header(targetHeader, '/_gh/origin/s3').header('x-media-origin', origin as string);
  } else {
    reply.header(targetHeader, `/_gh/origin/local/${media.objectKey}`);
  }
  return (
    reply
      .code(200)
      .header('x-media-key', media.objectKey)
      // For `Content-Range: bytes */size` when storage answers a range with 416 (nginx has no size).
      .header('x-media-size', String(media.byteSize))
      .header('content-type', media.contentType || 'application/octet-stream')
      .header('content-disposition', contentDisposition(media))
      .header('cache-control', 'private, max-age=3600')
      .send()
  );
}
