import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Logger } from '@gatehouse/logging';
import { installHttpBasics, type ReadinessCheck } from '@gatehouse/observability';
import Fastify, { LogController } from 'fastify';
import { createIdentityRouteDeps, type IdentityAppDeps } from './adapters/identity-wiring.ts';
import type { PublicShowsService } from './domain/public-shows.service.ts';
import { apiKeysRoutes } from './routes/api-keys.routes.ts';
import { operatorRoutes } from './routes/operator.routes.ts';
import { pagesRoutes } from './routes/pages.routes.ts';
import { publicShowsRoutes } from './routes/public-shows.routes.ts';
import type { RouteDeps } from './routes/route-deps.ts';
import { signInRoutes } from './routes/sign-in.routes.ts';

/** Everything the web app needs, built by `main.ts` (or a test) and passed in. */
export interface WebAppDeps extends RouteDeps {
  logger: Logger;
  readiness: readonly ReadinessCheck[];
  /** Sign-in, sessions, API keys and the operator API; absent: only the pages are served. */
  identity?: IdentityAppDeps | undefined;
  /** The public show page's API; absent: not served. */
  publicShows?: PublicShowsService | undefined;
}

/** Builds the web service's HTTP app: pages, sign-in, operator API. Reads no configuration itself. */
export function buildApp(deps: WebAppDeps) {
  const app = Fastify({
    loggerInstance: deps.logger,
    // Access logs are the edge's job; the services log what they decide.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.register(swagger, { openapi: { info: { title: 'Gatehouse web', version: '1' } } });
  installHttpBasics(app, { service: 'web', checks: deps.readiness, openapi: () => ({ ...app.swagger() }) });

  const routeDeps: RouteDeps = { uiDir: deps.uiDir };
  app.register(pagesRoutes, { deps: routeDeps });

  if (deps.identity) {
    const identity = createIdentityRouteDeps(deps.identity);
    app.register(signInRoutes, { deps: identity });
    app.register(apiKeysRoutes, { deps: identity });
    app.register(operatorRoutes, { deps: identity });
  }
  if (deps.publicShows) app.register(publicShowsRoutes, { deps: { publicShows: deps.publicShows } });
  return app;
}
