export { ColdPathBusyError, type ColdLoaderOptions, createSubscriberColdLoader } from './subscriber-cold-loader.ts';
export { type RecordSourceLike, StaleGraceSource, type StaleGraceOptions } from './stale-grace-source.ts';
