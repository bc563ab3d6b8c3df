import { errorBodySchema, toHttpError } from '@gatehouse/errors';
import type { Metrics } from './metrics-registry.ts';
import { checkReadiness, type ReadinessCheck } from './readiness.ts';

/**
 * Framework-neutral pieces every service's HTTP server shares: the operational routes, the error
 * handler and the request-metrics hook. They are typed structurally (no Fastify import, per the
 * rule that packages stay framework-free); Fastify's request and reply satisfy these shapes, so a
 * service registers them with `app.route(...)`, `app.setErrorHandler(...)`, `app.addHook(...)`.
 */
export interface ReplyLike {
  code(status: number): unknown;
  header(name: string, value: string): unknown;
}

interface RequestLike {
  method: string;
  url: string;
  routeOptions: { url?: string | undefined };
  log: { error(object: object, message: string): void; warn(object: object, message: string): void };
}

const healthSchema = {
  response: {
    200: {
      type: 'object',
      additionalProperties: false,
      required: ['status'],
      properties: { status: { type: 'string', enum: ['ok'] } },
    },
  },
} as const;

const readySchema = {
  response: {
    200: readyBody(),
    503: readyBody(),
  },
} as const;

function readyBody() {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['ready', 'checks'],
    properties: {
      ready: { type: 'boolean' },
      checks: { type: 'object', additionalProperties: { type: 'string', enum: ['ok', 'failing'] } },
    },
  } as const;
}

/** `/healthz` (process is alive), `/readyz` (every real dependency answers), `/metrics` (Prometheus). */
export function operationalRoutes(options: { checks: readonly ReadinessCheck[]; metrics: Metrics }) {
  return [
    {
      method: 'GET' as const,
      url: '/healthz',
      logLevel: 'warn' as const,
      schema: healthSchema,
      handler: async () => ({ status: 'ok' as const }),
    },
    {
      method: 'GET' as const,
      url: '/readyz',
      logLevel: 'warn' as const,
      schema: readySchema,
      handler: async (_request: unknown, reply: ReplyLike) => {
        const report = await checkReadiness(options.checks);
        reply.code(report.ready ? 200 : 503);
        return report;
      },
    },
    {
      method: 'GET' as const,
      url: '/metrics',
      logLevel: 'warn' as const,
      schema: { response: { 200: { type: 'string' } } },
      handler: async (_request: unknown, reply: ReplyLike) => {
        reply.header('content-type', options.metrics.registry.contentType);
        return options.metrics.registry.metrics();
      },
    },
  ];
}

/** One of the routes `operationalRoutes` returns. */
export type OperationalRoute = ReturnType<typeof operationalRoutes>[number];

/** The one error handler: stable codes, and 5xx details only in the log. */
export function httpErrorHandler(
  error: unknown,
  request: RequestLike,
  reply: ReplyLike & { send(body: unknown): unknown },
) {
  const { status, body } = toHttpError(error);
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  reply.code(status);
  return reply.send(body);
}

/** A 404 in the same shape as every other error. */
export function notFoundHandler(request: RequestLike, reply: ReplyLike & { send(body: unknown): unknown }) {
  reply.code(404);
  return reply.send({
    error: { code: 'NOT_FOUND', message: `route ${request.method} ${request.url.split('?')[0]} not found` },
  });
}

/** onResponse hook recording duration by route template (never the raw URL: tokens live there). */
export function requestMetricsHook(metrics: Metrics) {
  return async (request: RequestLike, reply: { statusCode: number; elapsedTime: number }) => {
    metrics.httpDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  };
}

export { errorBodySchema };
