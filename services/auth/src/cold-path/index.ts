export {
  type ColdLoader,
  type ColdLoaderOptions,
  ColdPathBusyError,
  createColdLoader,
  createSubscriberColdLoader,
} from './cold-record-loader.ts';
export { type RecordSourceLike, type StaleGraceOptions, StaleGraceSource } from './stale-grace-source.ts';
