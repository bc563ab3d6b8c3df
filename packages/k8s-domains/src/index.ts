export { DomainReconciler, type ReconcileResult } from './domain-reconciler.ts';
export {
  type CustomDomainRecord,
  type CustomDomainSource,
  type CustomDomainStatus,
  isRouted,
} from './domain-source.ts';
export { createKubeObjects, KubeConflictError, type KubeObjects, loadKubeConfig } from './kube-objects.ts';
export { LeaseElector, type LeaseElectorOptions, microTime } from './lease-elector.ts';
export { type CustomDomainDelegate, prismaDomainSource } from './prisma-domain-source.ts';
export * from './public-routes.ts';
export {
  ConfigError,
  type GatewayRef,
  parseReconcilerConfig,
  type ReconcilerConfig,
  type RouteTarget,
  readReconcilerConfig,
} from './reconciler-config.ts';
export { type LoopLogger, type LoopOptions, runReconcilerLoop } from './reconciler-loop.ts';
export * from './route-manifests.ts';
