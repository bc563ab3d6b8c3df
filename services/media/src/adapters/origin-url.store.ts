import { type OriginUrl, redisKeys } from '@gatehouse/contracts';
import type { Redis } from 'ioredis';
import type { OriginUrlStore } from '../domain/origin-url-keeper.ts';

const parse = (raw: string | null): OriginUrl | undefined => {
  if (raw === null) return undefined;
  try {
    return JSON.parse(raw) as OriginUrl;
  } catch {
    return undefined;
  }
};

/** Origin URLs in Redis under `gh:v1:origin:{objectKey}`, expiring with the URL itself. */
export function createRedisOriginUrlStore(redis: Redis): OriginUrlStore {
  return {
    get: async (objectKey) => parse(await redis.get(redisKeys.origin(objectKey))),
    getMany: async (objectKeys) =>
      objectKeys.length === 0
        ? []
        : (await redis.mget(...objectKeys.map((key) => redisKeys.origin(key)))).map(parse),
    put: async (record) => {
      const ttl = record.expiresAt - Date.now();
      if (ttl <= 0) return;
      await redis.set(redisKeys.origin(record.objectKey), JSON.stringify(record), 'PX', ttl);
    },
  };
}
