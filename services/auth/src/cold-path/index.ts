export { type RecordSourceLike, type StaleGraceOptions, StaleGraceSource } from './stale-grace-source.ts';
export {
  type ColdLoaderOptions,
  ColdPathBusyError,
  createSubscriberColdLoader,
} from './subscriber-cold-loader.ts';
