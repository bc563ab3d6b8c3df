import {
  httpErrorHandler,
  notFoundHandler,
  type OperationalRoute,
  operationalRoutes,
  requestMetricsHook,
} from './http-operations.ts';
import { createMetrics, type Metrics } from './metrics-registry.ts';
import type { ReadinessCheck } from './readiness.ts';

/** `GET /openapi.json`: the generated document, hidden from itself. */
export interface OpenApiRoute {
  method: 'GET';
  url: '/openapi.json';
  schema: {
    hide: true;
    response: { 200: { type: 'object'; additionalProperties: true } };
  };
  handler: () => Promise<Record<string, unknown>>;
}

/**
 * The part of an HTTP app this module needs. Typed structurally (packages never import Fastify):
 * a Fastify instance satisfies it, so a service passes its `app` as it is.
 */
export interface HttpAppLike {
  route(route: OperationalRoute | OpenApiRoute): unknown;
  setErrorHandler(handler: typeof httpErrorHandler): unknown;
  setNotFoundHandler(handler: typeof notFoundHandler): unknown;
  addHook(name: 'onResponse', hook: ReturnType<typeof requestMetricsHook>): unknown;
}

export interface HttpBasicsOptions {
  /** The `service` label of every metric. */
  service: string;
  checks: readonly ReadinessCheck[];
  /**
   * The OpenAPI document (scripts/schemathesis.sh reads it). With @fastify/swagger registered:
   * `() => ({ ...app.swagger() })` — a shallow copy, because the OpenAPI document interface has no
   * index signature and a record does.
   */
  openapi: () => Record<string, unknown>;
}

/**
 * What every service's HTTP app shares, in one call: `/openapi.json`, the one error handler, the
 * not-found handler in the same error shape, the request-duration hook and the operational routes
 * (`/healthz`, `/readyz`, `/metrics`). Call it right after registering the OpenAPI generator and
 * before the service's own route plugins. Returns the metrics registry for service-specific metrics.
 */
export function installHttpBasics(app: HttpAppLike, options: HttpBasicsOptions): Metrics {
  const metrics = createMetrics(options.service);
  app.route({
    method: 'GET',
    url: '/openapi.json',
    schema: { hide: true, response: { 200: { type: 'object', additionalProperties: true } } },
    handler: async () => options.openapi(),
  });
  app.setErrorHandler(httpErrorHandler);
  app.setNotFoundHandler(notFoundHandler);
  app.addHook('onResponse', requestMetricsHook(metrics));
  for (const route of operationalRoutes({ checks: options.checks, metrics })) app.route(route);
  return metrics;
}
