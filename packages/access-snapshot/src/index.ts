export {
  lifecycleOf,
  planAccessOf,
  plansOf,
  type StripeSubscriptionStatus,
  type SubscriptionFacts,
} from './access-rules.ts';
export {
  bumpSubscriberAccess,
  computePlanGrants,
  computeSubscriberAccess,
  type Db,
} from './access-snapshot.ts';
