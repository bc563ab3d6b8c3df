export { onShutdown, runMain } from './graceful-shutdown.ts';
export {
  type HttpAppLike,
  type HttpBasicsOptions,
  installHttpBasics,
  type OpenApiRoute,
} from './http-basics.ts';
export {
  errorBodySchema,
  httpErrorHandler,
  notFoundHandler,
  type OperationalRoute,
  operationalRoutes,
  type ReplyLike,
  requestMetricsHook,
} from './http-operations.ts';
export { createMetrics, type Metrics } from './metrics-registry.ts';
export { checkReadiness, type ReadinessCheck, type ReadinessReport } from './readiness.ts';
