import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Logger } from '@gatehouse/logging';
import { installHttpBasics, type ReadinessCheck } from '@gatehouse/observability';
import type { ApiKeyVerifier, TenantSessionAuthenticator } from '@gatehouse/tenant-keys';
import addFormatsModule from 'ajv-formats';
import Fastify, { LogController } from 'fastify';
import { alertsRoutes } from './routes/alerts.routes.ts';
import { apiKeyAuthenticator } from './routes/api-key-auth.ts';
import { downloadRoutes } from './routes/downloads.routes.ts';
import type { RouteDeps } from './routes/route-deps.ts';

// ajv-formats is CommonJS: its default export arrives wrapped under Node's ESM loader.
const addFormats =
  (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;

/** Everything the analytics app needs, built by `main.ts` (or a test) and passed in. */
export interface AnalyticsAppDeps extends RouteDeps {
  logger: Logger;
  readiness: readonly ReadinessCheck[];
  /** Tenant API keys (`@gatehouse/tenant-keys`), the same credential as media's `/api/v1`. */
  apiKeys: ApiKeyVerifier;
  /** The dashboard's session cookie (`@gatehouse/sign-in`), accepted like an API key. */
  sessions?: TenantSessionAuthenticator;
}

/** Builds the analytics service's HTTP app. Reads no configuration and opens no connection itself. */
export function buildApp(deps: AnalyticsAppDeps) {
  const app = Fastify({
    loggerInstance: deps.logger,
    // Access logs are the edge's job; the services log what they decide.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    routerOptions: { maxParamLength: 8192 },
    // Reject unknown properties instead of silently dropping them; formats (uuid, date-time, …).
    ajv: { customOptions: { removeAdditional: false }, plugins: [addFormats as never] },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.register(swagger, { openapi: { info: { title: 'Gatehouse analytics', version: '1' } } });
  installHttpBasics(app, {
    service: 'analytics',
    checks: deps.readiness,
    openapi: () => ({ ...app.swagger() }),
  });

  const routeDeps: RouteDeps = { downloads: deps.downloads, sharing: deps.sharing };
  app.register(
    async (api) => {
      api.decorateRequest('tenantId', '');
      api.addHook('onRequest', apiKeyAuthenticator(deps.apiKeys, deps.sessions));
      await api.register(downloadRoutes, { deps: routeDeps });
      await api.register(alertsRoutes, { deps: routeDeps });
    },
    { prefix: '/api/v1' },
  );
  return app;
}
