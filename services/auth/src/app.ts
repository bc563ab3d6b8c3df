import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Logger } from '@gatehouse/logging';
import { installHttpBasics, type ReadinessCheck } from '@gatehouse/observability';
import { type Keyring, verifyAccessToken } from '@gatehouse/tokens';
import Fastify, { type FastifyReply, LogController } from 'fastify';
import { AccessChecker } from './domain/access-checker.ts';
import { AccessReader, type RecordSource, type SubscriberColdLoader } from './domain/access-reader.ts';
import { denyMessages, type VerifiedClaims } from './domain/media-access-decider.ts';
import { type OriginIssuer, OriginResolver } from './domain/origin-resolver.ts';
import { RecordCache } from './domain/record-cache.ts';
import { VerifiedTokenCache } from './domain/verified-token-cache.ts';
import { downloadLinksRoutes } from './routes/download-links.routes.ts';
import { edgeAuthorizeRoutes } from './routes/edge-authorize.routes.ts';
import { edgeDecideRoutes } from './routes/edge-decide.routes.ts';
import { edgeDownloadRoutes } from './routes/edge-download.routes.ts';
import { edgeMediaRoutes } from './routes/edge-media.routes.ts';
import { sendDecideDeny } from './routes/edge-reply.ts';
import type { RouteDeps } from './routes/route-deps.ts';

/** Tunables of the answer path (from auth.config.ts in main.ts; tests use `defaultAuthSettings`). */
export interface AuthAppSettings {
  cacheMaxEntries: number;
  subscriberMaxAgeMs: number;
  policyMaxAgeMs: number;
  originMinRemainingMs: number;
  downloadLinkTtlS: number;
  publicBaseUrl: string;
}

export const defaultAuthSettings: AuthAppSettings = {
  cacheMaxEntries: 100_000,
  subscriberMaxAgeMs: 1_000,
  policyMaxAgeMs: 5_000,
  originMinRemainingMs: 15 * 60_000,
  downloadLinkTtlS: 300,
  publicBaseUrl: 'http://127.0.0.1:58080',
};

/** Everything the auth app needs, built by `main.ts` (or a test) and passed in. */
export interface AuthAppDeps {
  logger: Logger;
  readiness: readonly ReadinessCheck[];
  keyring: Keyring;
  /** The Redis validity cache (`createVersionedStore(redis)`). */
  store: RecordSource;
  /** Media's `POST /internal/v1/origins`. */
  originIssuer: OriginIssuer;
  /** Postgres rebuild of a missing subscriber record (projector side); absent: missing denies. */
  coldLoader?: SubscriberColdLoader;
  settings?: Partial<AuthAppSettings>;
  now?: () => number;
}

/** What the projector and the invalidation broadcast may do to this replica's in-process cache. */
export interface AccessCacheControl {
  invalidate(redisKeys: Iterable<string>): void;
  flush(): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    accessCache: AccessCacheControl;
  }
}

/** Builds the auth service's HTTP app. Reads no configuration and opens no connection itself. */
export function buildApp(deps: AuthAppDeps) {
  const settings = { ...defaultAuthSettings, ...deps.settings };
  const now = deps.now ?? Date.now;
  const app = Fastify({
    loggerInstance: deps.logger,
    // Access logs are the edge's job; the services log what they decide.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    // nginx keeps upstream connections open (keepalive_timeout 60s by default): stay open longer
    // than it does so nginx, not us, closes idle connections and never races a reused socket.
    keepAliveTimeout: 65_000,
    // Download tokens are ~100 characters, more than find-my-way's default of 100.
    routerOptions: { maxParamLength: 1024 },
    // A path with an undecodable %-sequence (FST_ERR_BAD_URL) or a segment over maxParamLength
    // (FST_ERR_MAX_PARAM_LENGTH) never reaches a route. On nginx's decide hop a 400 would become
    // 503 "retry" for the client (auth_request knows 2xx/401/403): such a path matches no episode,
    // so it is a plain deny, decided without any lookup.
    frameworkErrors: (error, request, anyReply) => {
      const reply = anyReply as FastifyReply;
      if (
        (error.code === 'FST_ERR_BAD_URL' || error.code === 'FST_ERR_MAX_PARAM_LENGTH') &&
        request.raw.url?.startsWith('/edge/decide/')
      )
        return sendDecideDeny(reply, 404, denyMessages.episode_not_found);
      return reply
        .code(400)
        .header('content-type', 'application/json; charset=utf-8')
        .send(
          JSON.stringify({ error: 'Bad Request', code: error.code, message: 'invalid URL', statusCode: 400 }),
        );
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // OpenAPI document generated from the routes' JSON schemas (scripts/schemathesis.sh runs
  // against it). Registered before the route plugins so its onRoute hook sees them.
  app.register(swagger, { openapi: { info: { title: 'Gatehouse auth', version: '1' } } });
  installHttpBasics(app, { service: 'auth', checks: deps.readiness, openapi: () => ({ ...app.swagger() }) });

  const cache = new RecordCache({ maxEntries: settings.cacheMaxEntries, now });
  const reader = new AccessReader({
    source: deps.store,
    cache,
    cold: deps.coldLoader,
    ages: { subscriberMaxAgeMs: settings.subscriberMaxAgeMs, policyMaxAgeMs: settings.policyMaxAgeMs },
  });
  app.decorate('accessCache', {
    invalidate: (keys: Iterable<string>) => reader.invalidate(keys),
    flush: () => reader.flush(),
  });

  const tokens = new VerifiedTokenCache<VerifiedClaims>(settings.cacheMaxEntries);
  const verifyOnce = (token: string) => {
    const verified = verifyAccessToken(deps.keyring, token);
    return verified.ok ? verified.claims : undefined;
  };
  const routeDeps: RouteDeps = {
    keyring: deps.keyring,
    verifyAccess: (token) => tokens.verify(token, verifyOnce),
    checker: new AccessChecker(reader, now),
    origins: new OriginResolver({
      source: deps.store,
      cache,
      issuer: deps.originIssuer,
      minRemainingMs: settings.originMinRemainingMs,
    }),
    downloadLinkTtlS: settings.downloadLinkTtlS,
    publicBaseUrl: settings.publicBaseUrl.replace(/\/+$/, ''),
    now,
  };
  app.register(edgeMediaRoutes(routeDeps));
  app.register(edgeDownloadRoutes(routeDeps));
  app.register(edgeDecideRoutes(routeDeps));
  app.register(edgeAuthorizeRoutes(routeDeps));
  app.register(downloadLinksRoutes(routeDeps));

  return app;
}
