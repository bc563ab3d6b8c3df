export {
  type AccessProjector,
  createAccessProjector,
  PROJECTOR_FILTERS,
  type ProjectorLogger,
  type ProjectorOptions,
} from './access-projector.ts';
export { type ConnectionGuard, guardConnections, type RedisLike } from './connection-guard.ts';
export { recordOf, type TargetRecord } from './event-records.ts';
export { type Invalidatable, listenForInvalidations } from './invalidation-listener.ts';
export {
  type ProjectorSideConfig,
  prepareProjectorSide,
  projectorConfigProperties,
} from './projector-wiring.ts';
