export {
  grantsOf,
  lifecycleOf,
  planAccessOf,
  plansOf,
  type StripeSubscriptionStatus,
  type SubscriptionFacts,
} from './access-rules.ts';
export {
  bumpSubscriberAccess,
  computeEpisodePolicy,
  computePlanGrants,
  computeSubscriberAccess,
  type Db,
} from './access-snapshot.ts';
export {
  type EpisodeAccessState,
  type EpisodeRowFacts,
  episodeAccessStateOf,
  toEpisodePolicy,
} from './episode-policy.ts';
