import {
  type EpisodePolicy,
  episodeLifecycleOf,
  lifecycleMatches,
  type PlanGrants,
  type SubscriberAccess,
  type TenantPolicy,
} from '@gatehouse/contracts';

/**
 * The one decision of the auth hop, as a pure function of already-verified claims and the cached
 * records. No I/O: the reader fetches, this decides, the route writes the answer.
 *
 * Order matters and mirrors the statuses the edge promises (docs/edge-protocol.md):
 *   another tenant → 403, rotated generation → 410, unknown/unpublished/wrong file → 404,
 *   public or early-access-public → grant, a lifecycle episode whose state matches the
 *   subscriber's → grant, premium → grant only through a live plan.
 */
export interface VerifiedClaims {
  tenantId: string;
  subscriberId: string;
  generation: number;
}

export type DenyReason =
  | 'other_tenant'
  | 'tenant_suspended'
  | 'unknown_subscriber'
  | 'rotated'
  | 'episode_not_found'
  | 'not_entitled';

export type AccessDecision =
  | {
      grant: true;
      media: NonNullable<EpisodePolicy['media']>;
      via: 'public' | 'early_access' | 'lifecycle' | 'plan';
    }
  | { grant: false; status: 403 | 404 | 410; reason: DenyReason };

/** Short plain-text reasons for the deny body; they name no record, key or URL. */
export const denyMessages: Readonly<Record<DenyReason, string>> = {
  other_tenant: 'token not valid for this creator',
  tenant_suspended: 'creator unavailable',
  unknown_subscriber: 'not entitled',
  rotated: 'this link has been replaced; refresh your feed',
  episode_not_found: 'episode not found',
  not_entitled: 'not entitled',
};

export interface DecisionInput {
  claims: VerifiedClaims;
  episodeId: string;
  /** The file name in the request path; undefined when the caller wants the episode's own file. */
  fileName: string | undefined;
  subscriber: SubscriberAccess | undefined;
  episode: EpisodePolicy | undefined;
  /** Missing tenant record: no tenant-level restriction is known (the record only carries suspension). */
  tenant: TenantPolicy | undefined;
  /** Unix ms. */
  now: number;
}

const deny = (status: 403 | 404 | 410, reason: DenyReason): AccessDecision => ({
  grant: false,
  status,
  reason,
});

/**
 * First stage: everything decidable without plan records. Returns a final decision, or
 * `{ needPlans: planIds }` when a premium episode must be checked against the subscriber's live plans.
 */
export function decideWithoutPlans(input: DecisionInput): AccessDecision | { needPlans: string[] } {
  const { claims, subscriber, episode, tenant, now } = input;
  if (episode && episode.tenantId !== claims.tenantId) return deny(403, 'other_tenant');
  if (!subscriber) return deny(403, 'unknown_subscriber');
  if (subscriber.tenantId !== claims.tenantId || subscriber.subscriberId !== claims.subscriberId) {
    return deny(403, 'other_tenant');
  }
  if (subscriber.generation !== claims.generation) return deny(410, 'rotated');
  if (tenant && (tenant.tenantId !== claims.tenantId || tenant.status !== 'active')) {
    return deny(403, 'tenant_suspended');
  }
  if (
    !episode ||
    episode.episodeId !== input.episodeId ||
    episode.status !== 'published' ||
    (episode.publishedAt !== null && episode.publishedAt > now) ||
    !episode.media ||
    (input.fileName !== undefined && input.fileName !== episode.media.fileName)
  ) {
    return deny(404, 'episode_not_found');
  }
  if (episode.visibility === 'public') return { grant: true, media: episode.media, via: 'public' };
  if (episode.publicFrom !== null && episode.publicFrom <= now) {
    return { grant: true, media: episode.media, via: 'early_access' };
  }
  // A lifecycle episode is meant for the subscribers in its state — a cancelled one has no plan left
  // and must still play the goodbye its feed lists. Any other subscriber falls through to the plan
  // check, so a creator granting it through a plan keeps working.
  if (lifecycleMatches(episodeLifecycleOf(episode), subscriber.lifecycle)) {
    return { grant: true, media: episode.media, via: 'lifecycle' };
  }
  const live = livePlanIds(subscriber, now);
  return live.length === 0 ? deny(403, 'not_entitled') : { needPlans: live };
}

/** Plans that grant right now: `until` null (open-ended) or still in the future (cancel at period end). */
export function livePlanIds(subscriber: SubscriberAccess, now: number): string[] {
  const ids: string[] = [];
  for (const plan of subscriber.plans) if (plan.until === null || plan.until > now) ids.push(plan.planId);
  return ids;
}

/** Second stage for premium episodes: one of the live plans grants the show or the episode. */
export function decideWithPlans(
  input: DecisionInput,
  plans: readonly (PlanGrants | undefined)[],
): AccessDecision {
  const episode = input.episode!;
  for (const plan of plans) {
    if (!plan || plan.tenantId !== input.claims.tenantId) continue;
    if (plan.showIds.includes(episode.showId) || plan.episodeIds.includes(episode.episodeId)) {
      return { grant: true, media: episode.media!, via: 'plan' };
    }
  }
  return deny(403, 'not_entitled');
}

/** Both stages with plans given up front (tests, and callers that already hold the plans). */
export function decideMediaAccess(
  input: DecisionInput,
  plans: readonly (PlanGrants | undefined)[],
): AccessDecision {
  const first = decideWithoutPlans(input);
  if ('needPlans' in first) {
    const live = new Set(first.needPlans);
    return decideWithPlans(
      input,
      plans.filter((plan) => plan && live.has(plan.planId)),
    );
  }
  return first;
}

/**
 * Token-less public media (`/pub/…`): the episode alone decides. Published and public, or premium
 * whose early-access window is over (`publicFrom` passed) → grant; any other published premium
 * episode → 403; unknown, unpublished, scheduled, without media or another file name → 404; a
 * suspended tenant → 403.
 */
export function decidePublicAccess(input: {
  episodeId: string;
  fileName: string;
  episode: EpisodePolicy | undefined;
  tenant: TenantPolicy | undefined;
  now: number;
}): AccessDecision {
  const { episode, tenant, now } = input;
  if (
    !episode ||
    episode.episodeId !== input.episodeId ||
    episode.status !== 'published' ||
    (episode.publishedAt !== null && episode.publishedAt > now) ||
    !episode.media ||
    input.fileName !== episode.media.fileName
  ) {
    return deny(404, 'episode_not_found');
  }
  if (tenant && (tenant.tenantId !== episode.tenantId || tenant.status !== 'active')) {
    return deny(403, 'tenant_suspended');
  }
  if (episode.visibility === 'public') return { grant: true, media: episode.media, via: 'public' };
  if (episode.publicFrom !== null && episode.publicFrom <= now) {
    return { grant: true, media: episode.media, via: 'early_access' };
  }
  return deny(403, 'not_entitled');
}

export type FeedDecision = { grant: true } | { grant: false; status: 403; reason: DenyReason };

/**
 * The `auth_request` check for private feeds: the token must belong to a current subscriber of an
 * active tenant. Entitlement is NOT checked — a subscriber without a live plan still gets the feed,
 * which then lists only lifecycle episodes (the feeds service decides what to list). A rotated
 * token is 403 here (auth_request knows only 2xx/401/403); the reason travels in a header.
 */
export function decideFeedAccess(
  claims: VerifiedClaims,
  subscriber: SubscriberAccess | undefined,
  tenant: TenantPolicy | undefined,
): FeedDecision {
  if (!subscriber) return { grant: false, status: 403, reason: 'unknown_subscriber' };
  if (subscriber.tenantId !== claims.tenantId || subscriber.subscriberId !== claims.subscriberId) {
    return { grant: false, status: 403, reason: 'other_tenant' };
  }
  if (subscriber.generation !== claims.generation) return { grant: false, status: 403, reason: 'rotated' };
  if (tenant && (tenant.tenantId !== claims.tenantId || tenant.status !== 'active')) {
    return { grant: false, status: 403, reason: 'tenant_suspended' };
  }
  return { grant: true };
}
