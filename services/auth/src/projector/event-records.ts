import { type EventPayload, redisKeys, type Subject } from '@gatehouse/contracts';

/** The Redis record an event carries, and under which key it lives (packages/contracts redis-keys). */
export interface TargetRecord {
  key: string;
  record: { version: number };
}

export function recordOf<S extends Subject>(subject: S, payload: EventPayload<S>): TargetRecord {
  const event = payload as EventPayload<Subject>;
  if ('access' in event)
    return { key: redisKeys.subscriber(event.access.subscriberId), record: event.access };
  if ('grants' in event) return { key: redisKeys.plan(event.grants.planId), record: event.grants };
  if ('tenant' in event) return { key: redisKeys.tenant(event.tenant.tenantId), record: event.tenant };
  if ('policy' in event) return { key: redisKeys.episode(event.policy.episodeId), record: event.policy };
  throw new Error(`subject ${subject} carries no access record`);
}
