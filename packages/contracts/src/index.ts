export {
  type EpisodeLifecycle,
  EpisodePolicy,
  episodeLifecycleOf,
  lifecycleAudience,
  lifecycleMatches,
  OriginUrl,
  PlanAccess,
  PlanGrants,
  SubscriberAccess,
  TenantPolicy,
} from './access-records.ts';
export {
  EdgeAccessVia,
  EdgeRequestKind,
  EdgeRequestRecord,
  edgeRecordsStream,
  edgeRequestSubject,
  isEdgeRequestRecord,
} from './edge-records.ts';
export { decodeEvent, encodeEvent, InvalidEventError, isSubject } from './event-codec.ts';
export {
  deadLetterSubject,
  type EnvelopeSubject,
  type EventMap,
  type EventPayload,
  eventMap,
  Invalidation,
  invalidationSubject,
  type Subject,
  streams,
  subjects,
} from './event-map.ts';
export { type RecordKind, redisKeys } from './redis-keys.ts';
