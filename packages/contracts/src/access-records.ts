import Type, { type Static } from 'typebox';

/**
 * The records the auth hop reads from Redis. Each carries a `version` that only grows; a write
 * with a version not greater than the stored one is ignored (see redis-keys.ts / access-cache),
 * so replays and reordered events can never move a record backwards.
 */

const Uuid = Type.String({ minLength: 36, maxLength: 36 });
const EpochMs = Type.Integer({ minimum: 0, description: 'Unix time in milliseconds.' });

/** One plan a subscriber holds, and until when it grants access (null: no end known yet). */
export const PlanAccess = Type.Object(
  {
    planId: Uuid,
    until: Type.Union([EpochMs, Type.Null()]),
  },
  { additionalProperties: false },
);

/**
 * What a subscriber may read, computed by billing from every subscription of the subscriber
 * under the access rules (active/trialing; past_due within the tenant's grace;
 * cancel-at-period-end until the period ends). Denied subscriptions simply contribute no plan.
 */
export const SubscriberAccess = Type.Object(
  {
    tenantId: Uuid,
    subscriberId: Uuid,
    /** Current token generation: a token with another generation is rotated (410). */
    generation: Type.Integer({ minimum: 0 }),
    plans: Type.Array(PlanAccess),
    /** Which lifecycle episodes the subscriber's private feed shows. */
    lifecycle: Type.Union([
      Type.Literal('none'),
      Type.Literal('active'),
      Type.Literal('payment_failed'),
      Type.Literal('ended'),
    ]),
    version: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type SubscriberAccess = Static<typeof SubscriberAccess>;

/** What a plan (tier) grants: whole shows and single episodes. */
export const PlanGrants = Type.Object(
  {
    tenantId: Uuid,
    planId: Uuid,
    showIds: Type.Array(Uuid),
    episodeIds: Type.Array(Uuid),
    version: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type PlanGrants = Static<typeof PlanGrants>;

/** The access policy and storage location of one episode's current media. */
export const EpisodePolicy = Type.Object(
  {
    tenantId: Uuid,
    showId: Uuid,
    episodeId: Uuid,
    status: Type.Union([Type.Literal('draft'), Type.Literal('published'), Type.Literal('removed')]),
    visibility: Type.Union([Type.Literal('public'), Type.Literal('premium')]),
    /** Early access: premium until this instant, public from it on (null: no switch). */
    publicFrom: Type.Union([EpochMs, Type.Null()]),
    /** Not before this instant (scheduled publishing). */
    publishedAt: Type.Union([EpochMs, Type.Null()]),
    /**
     * A lifecycle episode speaks to subscribers in one state (welcome ↔ `active`, payment_failed ↔
     * `payment_failed`, subscription_ended ↔ `ended`, see `SubscriberAccess.lifecycle`) and is
     * granted to them without a plan. Optional on purpose, read with `episodeLifecycleOf` (absent =
     * `none`): records and events written before the field existed — Redis entries under `gh:v1`,
     * outbox rows not yet relayed, messages still in the stream — stay valid and keep their old
     * meaning (no lifecycle grant, i.e. fail closed), so the layout prefix need not change.
     */
    lifecycle: Type.Optional(
      Type.Union([
        Type.Literal('none'),
        Type.Literal('welcome'),
        Type.Literal('payment_failed'),
        Type.Literal('subscription_ended'),
      ]),
    ),
    media: Type.Union([
      Type.Null(),
      Type.Object(
        {
          storage: Type.Union([Type.Literal('s3'), Type.Literal('local')]),
          /** Content-addressed object key; also the edge's cache key. Never sent to clients. */
          objectKey: Type.String({ minLength: 1 }),
          contentType: Type.String(),
          byteSize: Type.Integer({ minimum: 0 }),
          fileName: Type.String(),
        },
        { additionalProperties: false },
      ),
    ]),
    version: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type EpisodePolicy = Static<typeof EpisodePolicy>;
export type EpisodeLifecycle = NonNullable<EpisodePolicy['lifecycle']>;

/** The episode's lifecycle kind; a record written before the field existed is `none`. */
export const episodeLifecycleOf = (policy: EpisodePolicy): EpisodeLifecycle => policy.lifecycle ?? 'none';

/**
 * The subscriber state each lifecycle episode speaks to. One table for the feeds service (which
 * lists the episode in the private feed of a subscriber in that state) and the auth hop (which lets
 * that subscriber play it), so what a feed shows is what its enclosures play.
 */
export const lifecycleAudience: Readonly<
  Record<Exclude<EpisodeLifecycle, 'none'>, SubscriberAccess['lifecycle']>
> = {
  welcome: 'active',
  payment_failed: 'payment_failed',
  subscription_ended: 'ended',
};

/** Whether an episode of this lifecycle kind is meant for a subscriber in this state. */
export const lifecycleMatches = (
  kind: EpisodeLifecycle,
  subscriber: SubscriberAccess['lifecycle'],
): boolean => kind !== 'none' && lifecycleAudience[kind] === subscriber;

/** A presigned GET URL for an object, kept ahead of need by the media service. */
export const OriginUrl = Type.Object(
  {
    objectKey: Type.String(),
    url: Type.String(),
    expiresAt: EpochMs,
  },
  { additionalProperties: false },
);
export type OriginUrl = Static<typeof OriginUrl>;

/** Per-tenant settings the hot path needs. */
export const TenantPolicy = Type.Object(
  {
    tenantId: Uuid,
    status: Type.Union([Type.Literal('active'), Type.Literal('suspended')]),
    version: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type TenantPolicy = Static<typeof TenantPolicy>;
