import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Logger } from '@gatehouse/logging';
import { installHttpBasics, type ReadinessCheck } from '@gatehouse/observability';
import Fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import type { FeedService } from './domain/feed-service.ts';
import type { PortalService } from './domain/portal-service.ts';
import { feedRoutes } from './routes/feeds.routes.ts';
import { portalRoutes } from './routes/portal.routes.ts';
import { portalApiRoutes } from './routes/portal-api.routes.ts';
import type { RouteDeps } from './routes/route-deps.ts';

/** Everything the feeds app needs, built by `main.ts` (or a test) and passed in. */
export interface FeedsAppDeps {
  logger: Logger;
  readiness: readonly ReadinessCheck[];
  feeds: FeedService;
  portal: PortalService;
  /** Set the portal cookie's Secure flag (PUBLIC_BASE_URL is https). */
  secureCookies: boolean;
}

/** Builds the feeds service's HTTP app. Reads no configuration and opens no connection itself. */
export function buildApp(deps: FeedsAppDeps) {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Access logs are the edge's job; the services log what they decide.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
  }).withTypeProvider<TypeBoxTypeProvider>();
  // OpenAPI document generated from the routes' JSON schemas (scripts/schemathesis.sh runs
  // against it). Registered before the route plugins so its onRoute hook sees them.
  app.register(swagger, { openapi: { info: { title: 'Gatehouse feeds', version: '1' } } });
  installHttpBasics(app, { service: 'feeds', checks: deps.readiness, openapi: () => ({ ...app.swagger() }) });
  // Portal forms post urlencoded bodies; parsed here without a plugin (small and bounded).
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 16 * 1024 },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );

  // As plugins (root hooks and parsers inherited) so the OpenAPI hook sees them.
  const routeDeps: RouteDeps = { feeds: deps.feeds, portal: deps.portal, secureCookies: deps.secureCookies };
  app.register(feedRoutes, { deps: routeDeps });
  app.register(portalRoutes, { deps: routeDeps });
  app.register(portalApiRoutes, { deps: routeDeps });
  return app;
}
