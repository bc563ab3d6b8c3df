export { addInterval, type ByteInterval, coveredBytes } from './byte-intervals.ts';
export {
  type BatchOutcome,
  type CountableRecord,
  type CountingLookups,
  countBatch,
  type DropCounts,
  filterBatch,
  listenerKeyOf,
} from './download-counter.ts';
export { downloadThreshold, type EpisodeMedia } from './download-threshold.ts';
export { type ListenState, listenId } from './listen-state.ts';
export { classifyRecord, type DropReason, type MediaRequest } from './request-filter.ts';
