/**
 * The Redis key layout, in one place. `v1` is the layout version: a change of record shape gets a
 * new prefix so old and new replicas never misread each other during a rollout. An added optional
 * field whose absence keeps the old meaning (e.g. `EpisodePolicy.lifecycle`, absent = `none`) is not
 * a change of shape: old records stay readable and the prefix stays.
 *
 * | key                          | value (JSON)        | writer                        | reader |
 * |------------------------------|---------------------|-------------------------------|--------|
 * | gh:v1:sub:{subscriberId}     | SubscriberAccess    | auth projector, cold path     | auth   |
 * | gh:v1:plan:{planId}          | PlanGrants          | auth projector, cold path     | auth   |
 * | gh:v1:ep:{episodeId}         | EpisodePolicy       | media (write-through), projector | auth, feeds |
 * | gh:v1:tenant:{tenantId}      | TenantPolicy        | auth projector, cold path     | auth   |
 * | gh:v1:origin:{objectKey}     | OriginUrl           | media presigner               | auth   |
 * | gh:v1:lock:{name}            | owner id (PX)       | single-flight cold paths      | —      |
 */
const PREFIX = 'gh:v1';

export const redisKeys = {
  subscriber: (subscriberId: string) => `${PREFIX}:sub:${subscriberId}`,
  plan: (planId: string) => `${PREFIX}:plan:${planId}`,
  episode: (episodeId: string) => `${PREFIX}:ep:${episodeId}`,
  tenant: (tenantId: string) => `${PREFIX}:tenant:${tenantId}`,
  origin: (objectKey: string) => `${PREFIX}:origin:${objectKey}`,
  lock: (name: string) => `${PREFIX}:lock:${name}`,
} as const;

export type RecordKind = 'subscriber' | 'plan' | 'episode' | 'tenant';
