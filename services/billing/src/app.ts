import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { PrismaClient } from '@gatehouse/db';
import type { Logger } from '@gatehouse/logging';
import { installHttpBasics, type ReadinessCheck } from '@gatehouse/observability';
import { creatorSessionsFromPrisma } from '@gatehouse/sign-in/prisma';
import {
  createApiKeyVerifier,
  createInternalTokenVerifier,
  createPrismaApiKeyRepository,
} from '@gatehouse/tenant-keys';
import Fastify, { LogController } from 'fastify';
import { createCheckoutRepository } from './adapters/checkout.repository.ts';
import { createConnectRepository } from './adapters/connect.repository.ts';
import { createPlansRepository } from './adapters/plans.repository.ts';
import { createSubscriberDirectory } from './adapters/subscriber-directory.repository.ts';
import { createSubscriptionSyncStore } from './adapters/subscription-sync.repository.ts';
import { createTokenRotationStore } from './adapters/token-rotation.repository.ts';
import { createCheckoutService } from './domain/checkout.ts';
import { createConnectOnboarding } from './domain/connect-onboarding.ts';
import { createPlanCatalog } from './domain/plan-catalog.ts';
import { createRateLimiter } from './domain/rate-limiter.ts';
import type { StripeGateway, WebhookVerifier } from './domain/stripe.port.ts';
import { createSubscribers } from './domain/subscriber-list.ts';
import { rotateAccessToken } from './domain/token-rotation.ts';
import { processEvent } from './domain/webhook-processor.ts';
import { apiRoutes } from './routes/api.routes.ts';
import { internalRoutes } from './routes/internal.routes.ts';
import { publicCheckoutRoutes } from './routes/public-checkout.routes.ts';
import type { RouteDeps } from './routes/route-deps.ts';
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
  /** Public checkouts one client address may start per minute (default 10). */
  publicCheckoutsPerMinute?: number;
  /**
   * Fastify's `trustProxy`: which peers' X-Forwarded-For names the client (the edge overwrites
   * it with the address it saw). Default: none — the peer address is the client.
   */
  trustProxy?: string | boolean;
}

/** Adapters → the domain services the routes may use (`routes/route-deps.ts`). */
function routeDeps(deps: BillingDeps): RouteDeps {
  const sync = createSubscriptionSyncStore(deps.prisma);
  const tokens = createTokenRotationStore(deps.prisma);
  return {
    apiKeys: createApiKeyVerifier(createPrismaApiKeyRepository(deps.prisma)),
    sessions: creatorSessionsFromPrisma(deps.prisma),
    internalToken: createInternalTokenVerifier(deps.internalApiToken),
    plans: createPlanCatalog({
      repository: createPlansRepository(deps.prisma),
      gateway: deps.gateway,
      onCleanupFailed: (error) =>
        deps.logger.warn({ err: error }, 'could not retire a replaced Stripe price'),
    }),
    checkout: createCheckoutService({
      repository: createCheckoutRepository(deps.prisma),
      gateway: deps.gateway,
      publicBaseUrl: deps.publicBaseUrl,
    }),
    publicCheckoutLimiter: createRateLimiter({
      limit: deps.publicCheckoutsPerMinute ?? 10,
      windowMs: 60_000,
    }),
    subscribers: createSubscribers(createSubscriberDirectory(deps.prisma)),
    connect: createConnectOnboarding({
      repository: createConnectRepository(deps.prisma),
      gateway: deps.gateway,
      publicBaseUrl: deps.publicBaseUrl,
    }),
    rotateToken: (input) => rotateAccessToken(tokens, input),
    webhooks: { verifier: deps.verifier, process: (event) => processEvent(sync, deps.gateway, event) },
    notifyOutbox: deps.onCommitted,
  };
}

/** Builds the billing service's HTTP app. Reads no configuration and opens no connection itself. */
export function buildApp(deps: BillingDeps) {
  const app = Fastify({
    loggerInstance: deps.logger,
    // Access logs are the edge's job; the services log what they decide.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    // Long path parameters reach the params schema (documented 400) instead of the router's bare 414.
    routerOptions: { maxParamLength: 8192 },
    // Reject unknown properties instead of silently dropping them. Formats (uuid, uri, email) come
    // from ajv-formats, which Fastify's compiler loads when no formats plugin is given.
    ajv: { customOptions: { removeAdditional: false } },
    trustProxy: deps.trustProxy ?? false,
  }).withTypeProvider<TypeBoxTypeProvider>();
  // OpenAPI document generated from the routes' JSON schemas (scripts/schemathesis.sh runs
  // against it). Registered before the route plugins so its onRoute hook sees them.
  app.register(swagger, { openapi: { info: { title: 'Gatehouse billing', version: '1' } } });
  installHttpBasics(app, {
    service: 'billing',
    checks: deps.readiness,
    openapi: () => ({ ...app.swagger() }),
  });

  // The routes, each in its own encapsulated scope (the webhook's raw-body parser stays in its own).
  const routes = routeDeps(deps);
  app.register(webhookRoutes, { deps: routes });
  app.register(apiRoutes, { deps: routes });
  app.register(internalRoutes, { deps: routes });
  app.register(publicCheckoutRoutes, { deps: routes });

  return app;
}
