import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { BoundedCache } from '@gatehouse/bounded-cache';
import { errorBodySchema, errors } from '@gatehouse/errors';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { BodyPool } from '../domain/body-pool.ts';
import { acceptsGzip, gzipEtag, isNotModified } from '../domain/conditional-get.ts';
import type { RenderedFeed } from '../domain/feed-service.ts';
import type { RouteDeps } from './route-deps.ts';

const gzipAsync = promisify(gzip);

const feedResponses = {
  200: Type.String({ description: 'RSS 2.0 document' }),
  304: Type.Unsafe<undefined>(Type.Null({ description: 'Not modified' })),
  400: errorBodySchema,
  401: errorBodySchema,
  403: errorBodySchema,
  404: errorBodySchema,
  410: errorBodySchema,
  // Answered by the router before the route: a path segment over its 100-character limit.
  414: Type.Object({}, { additionalProperties: true, description: 'A path segment over 100 characters' }),
  500: errorBodySchema,
  503: errorBodySchema,
};

const Slug = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' });
const FeedFile = Type.String({ maxLength: 80 });

const headerValue = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * Public and private feeds. Conditional GET first (a 304 costs no body work beyond the cached
 * template), then gzip; compressed bodies are memoised by subscriber + ETag, so an app polling
 * with a stale validator does not make us compress the same megabyte again.
 */
export const feedRoutes: FastifyPluginAsyncTypebox<{ deps: RouteDeps }> = async (app, { deps }) => {
  const { feeds } = deps;
  const gzipped = new BoundedCache<string, Buffer>({ maxEntries: 5_000, maxWeight: 128 * 1024 * 1024 });
  const bodies = new BodyPool();

  async function send(
    request: FastifyRequest,
    reply: FastifyReply,
    feed: RenderedFeed,
    cacheScope: string,
    isPrivate: boolean,
  ) {
    const useGzip = acceptsGzip(headerValue(request, 'accept-encoding')) && feed.byteLength > 1024;
    const etag = useGzip ? gzipEtag(feed.etag) : feed.etag;
    reply
      .header('content-type', 'application/rss+xml; charset=utf-8')
      .header('etag', etag)
      .header('last-modified', new Date(feed.lastModified).toUTCString())
      .header('vary', 'Accept-Encoding')
      // Apps must revalidate; private feeds never sit in a shared cache.
      .header('cache-control', isPrivate ? 'private, no-cache' : 'public, max-age=300, must-revalidate');
    if (isPrivate) reply.header('x-robots-tag', 'noindex, nofollow').header('referrer-policy', 'no-referrer');
    const conditional = {
      ifNoneMatch: headerValue(request, 'if-none-match'),
      ifModifiedSince: headerValue(request, 'if-modified-since'),
    };
    if (isNotModified(conditional, feed.etag, feed.lastModified)) return reply.code(304).send();
    if (!useGzip) {
      const body = feed.body(bodies);
      // Back to the pool only once the whole response went to the OS; never on an aborted one.
      reply.raw.once('finish', () => bodies.release(body));
      return reply.code(200).send(body);
    }
    // Keyed by subscriber (cacheScope) and the tag: a compressed private body is per subscriber.
    const key = `${cacheScope}|${etag}`;
    let body = gzipped.get(key);
    if (!body) {
      body = await gzipAsync(feed.body(), { level: 6 });
      gzipped.set(key, body, { weight: body.length });
    }
    return reply.code(200).header('content-encoding', 'gzip').send(body);
  }

  app.route({
    method: 'GET',
    url: '/p/:tenantSlug/:feedFile',
    schema: {
      params: Type.Object({ tenantSlug: Slug, feedFile: FeedFile }, { additionalProperties: false }),
      response: feedResponses,
    },
    handler: async (request, reply) => {
      const { tenantSlug, feedFile } = request.params;
      const showSlug = /^([a-z0-9][a-z0-9-]{0,62})\.xml$/.exec(feedFile)?.[1];
      if (!showSlug) throw errors.notFound('feed');
      const feed = await feeds.publicFeed(tenantSlug, showSlug);
      return send(request, reply, feed, 'public', false);
    },
  });

  app.route({
    method: 'GET',
    url: '/f/:token/:feedFile',
    schema: {
      params: Type.Object(
        { token: Type.String({ minLength: 1, maxLength: 256 }), feedFile: FeedFile },
        { additionalProperties: false },
      ),
      response: feedResponses,
    },
    handler: async (request, reply) => {
      const { token, feedFile } = request.params;
      const showId = /^(.+)\.xml$/.exec(feedFile)?.[1];
      if (!showId) throw errors.notFound('feed');
      const feed = await feeds.privateFeed(token, showId, {
        tenantId: headerValue(request, 'x-gatehouse-tenant-id'),
        subscriberId: headerValue(request, 'x-gatehouse-subscriber-id'),
        generation: headerValue(request, 'x-gatehouse-generation'),
      });
      return send(request, reply, feed, headerValue(request, 'x-gatehouse-subscriber-id')!, true);
    },
  });
};
