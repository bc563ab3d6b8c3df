import type { Logger } from '@gatehouse/logging';
import {
  createMetrics,
  httpErrorHandler,
  notFoundHandler,
  operationalRoutes,
  type ReadinessCheck,
  requestMetricsHook,
} from '@gatehouse/observability';
import Fastify from 'fastify';

/** Everything the auth app needs, built by `main.ts` (or a test) and passed in. */
export interface AuthAppDeps {
  logger: Logger;
  readiness: readonly ReadinessCheck[];
}

/** Builds the auth service's HTTP app. Reads no configuration and opens no connection itself. */
export function buildApp(deps: AuthAppDeps) {
  const app = Fastify({ loggerInstance: deps.logger, disableRequestLogging: true, return503OnClosing: true });
  const metrics = createMetrics('auth');

  app.setErrorHandler(httpErrorHandler);
  app.setNotFoundHandler(notFoundHandler);
  app.addHook('onResponse', requestMetricsHook(metrics));

  for (const route of operationalRoutes({ checks: deps.readiness, metrics })) app.route(route);

  return app;
}
