import { createVersionedStore } from '@gatehouse/access-cache';
import { type EpisodePolicy, redisKeys } from '@gatehouse/contracts';
import type { Redis } from 'ioredis';

/**
 * Write-through of episode policies to Redis after the transaction that changed them committed.
 * `putIfNewer` keeps a slow writer from overwriting a newer version; if Redis is down the outbox event
 * (same transaction as the change) still reaches the auth projector, which writes the same record.
 */
export interface EpisodePolicyPublisher {
  publish(policy: EpisodePolicy): Promise<boolean>;
}

export function createRedisEpisodePolicyPublisher(redis: Redis): EpisodePolicyPublisher {
  const store = createVersionedStore(redis);
  return { publish: (policy) => store.putIfNewer(redisKeys.episode(policy.episodeId), policy) };
}
