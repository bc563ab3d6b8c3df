export { onShutdown, runMain } from './graceful-shutdown.ts';
export {
  errorBodySchema,
  httpErrorHandler,
  notFoundHandler,
  operationalRoutes,
  type ReplyLike,
  requestMetricsHook,
} from './http-operations.ts';
export { createMetrics, type Metrics } from './metrics-registry.ts';
export { checkReadiness, type ReadinessCheck, type ReadinessReport } from './readiness.ts';
