export {
  BoundedCache,
  type BoundedCacheOptions,
  type CacheEntry,
  type SetOptions,
} from './bounded-cache.ts';
