import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { verifyAccessToken } from '@gatehouse/tokens';
import Type from 'typebox';
import { denyMessages } from '../domain/media-access-decider.ts';
import { sendFeedDeny, sendUnavailable, textBody } from './edge-reply.ts';
import type { RouteDeps } from './route-deps.ts';

// `/f/{token}/{showId}.xml`, optionally with a query string; nothing else is a private feed.
const FEED_URI = /^\/f\/([A-Za-z0-9_-]{1,1024})\/[^/?#]+\.xml(?:\?.*)?$/;

/**
 * `GET /edge/authorize` — the `auth_request` endpoint for private feeds. It reads only
 * `X-Original-URI`: identity headers a client sends (`X-Gatehouse-*`) are never read here, and
 * nginx overwrites them with the ones this answer sets.
 */
export function edgeAuthorizeRoutes(deps: RouteDeps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/edge/authorize', {
      exposeHeadRoute: false,
      schema: {
        headers: Type.Object({
          'x-original-uri': Type.Optional(
            Type.String({ description: 'Set by nginx: the client request URI.' }),
          ),
          'x-original-method': Type.Optional(
            Type.String({ description: 'Set by nginx: the client method.' }),
          ),
        }),
        response: {
          // `null` in the OpenAPI document like emptyBody's; typed `undefined`: the grant has no payload.
          200: Type.Unsafe<undefined>(
            Type.Null({
              description:
                'Allowed: X-Gatehouse-Tenant-Id, X-Gatehouse-Subscriber-Id, X-Gatehouse-Generation.',
            }),
          ),
          401: textBody('No private feed URI, or a forged/malformed token; X-Gatehouse-Deny-Status: 401.'),
          403: textBody(
            'Any other deny; X-Gatehouse-Deny-Status carries 403 (unknown subscriber, another tenant) or 410 (rotated, with X-Gatehouse-Deny-Reason: rotated).',
          ),
          503: textBody('Cannot decide right now; Retry-After: 1.'),
        },
      },
      handler: async (request, reply) => {
        const uri = request.headers['x-original-uri'];
        const match = typeof uri === 'string' ? FEED_URI.exec(uri) : null;
        const verified = match ? verifyAccessToken(deps.keyring, match[1]!) : undefined;
        if (!verified?.ok) return sendFeedDeny(reply, 401, 'invalid token');
        const { claims } = verified;
        let decision: Awaited<ReturnType<RouteDeps['checker']['feed']>>;
        try {
          decision = await deps.checker.feed(claims);
        } catch (error) {
          request.log.warn({ err: error }, 'validity cache unreadable; answering 503');
          return sendUnavailable(reply);
        }
        if (!decision.grant) {
          const rotated = decision.reason === 'rotated';
          if (rotated) reply.header('x-gatehouse-deny-reason', 'rotated');
          return sendFeedDeny(reply, rotated ? 410 : 403, denyMessages[decision.reason]);
        }
        return reply
          .code(200)
          .header('cache-control', 'no-store')
          .header('x-gatehouse-tenant-id', claims.tenantId)
          .header('x-gatehouse-subscriber-id', claims.subscriberId)
          .header('x-gatehouse-generation', String(claims.generation))
          .send(undefined);
      },
    });
  };
}
