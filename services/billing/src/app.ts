import swagger from '@fastify/swagger';
import type { PrismaClient } from '@gatehouse/db';
import type { Logger } from '@gatehouse/logging';
import { installHttpBasics, type ReadinessCheck } from '@gatehouse/observability';
import Fastify from 'fastify';
import type { StripeGateway } from './adapters/stripe-gateway.ts';
import type { WebhookVerifier } from './adapters/webhook-verifier.ts';
import { apiRoutes } from './routes/api.routes.ts';
import { internalRoutes } from './routes/internal.routes.ts';
import { webhookRoutes } from './routes/webhook.routes.ts';

/** Everything the billing app needs, built by `main.ts` (or a test) and passed in. */
export interface BillingDeps {
  logger: Logger;
  readiness: readonly ReadinessCheck[];
  prisma: PrismaClient;
  gateway: StripeGateway;
  verifier: WebhookVerifier;
  /** Called after a transaction that wrote outbox rows committed: wakes the relay. */
  onCommitted: () => void;
  /** Public URL of the edge (the portal's Checkout return pages live there). */
  publicBaseUrl: string;
  /** `INTERNAL_API_TOKEN`: callers of `/internal/…` (the feeds portal) send it as a Bearer token. */
  internalApiToken: string;
}

/** Builds the billing service's HTTP app. Reads no configuration and opens no connection itself. */
export function buildApp(deps: BillingDeps) {
  const app = Fastify({
    loggerInstance: deps.logger,
    disableRequestLogging: true,
    return503OnClosing: true,
    // Long path parameters reach the params schema (documented 400) instead of the router's bare 414.
    routerOptions: { maxParamLength: 8192 },
  });
  // OpenAPI document generated from the routes' JSON schemas (scripts/schemathesis.sh runs
  // against it). Registered before the route plugins so its onRoute hook sees them.
  app.register(swagger, { openapi: { info: { title: 'Gatehouse billing', version: '1' } } });
  installHttpBasics(app, {
    service: 'billing',
    checks: deps.readiness,
    openapi: () => ({ ...app.swagger() }),
  });

  app.register(async (scope) => webhookRoutes(scope, deps));
  app.register(async (scope) => apiRoutes(scope, deps));
  app.register(async (scope) => internalRoutes(scope, deps));

  return app;
}
