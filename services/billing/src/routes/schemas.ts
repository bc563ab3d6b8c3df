import { errorBodySchema } from '@gatehouse/observability';
import Type from 'typebox';

/** JSON schemas of the billing routes (the TypeBox type provider infers the handlers' types from them). */
export const Uuid = Type.String({ format: 'uuid' });
/** Tenant and show slugs as URLs carry them. */
const Slug = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' });
const HttpUrl = Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2048 });
/** Free text stored in Postgres, whose text type cannot hold U+0000: refused as a 400, not a 500 at insert. */
const NO_NUL = '^[^\\u0000]*$';

export function errorResponses(...statuses: number[]) {
  return Object.fromEntries(statuses.map((status) => [status, errorBodySchema])) as Record<
    number,
    typeof errorBodySchema
  >;
}

export const WebhookAnswer = Type.Object(
  {
    received: Type.Literal(true),
    result: Type.Union([Type.Literal('processed'), Type.Literal('duplicate'), Type.Literal('ignored')]),
  },
  { additionalProperties: false },
);

const Interval = Type.Union([Type.Literal('month'), Type.Literal('year')]);
const DateTime = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

/** The fields of a plan a creator sets (all required on create except where optional below). */
const planFields = {
  name: Type.String({ minLength: 1, maxLength: 200, pattern: NO_NUL }),
  description: Type.String({ maxLength: 2000, pattern: NO_NUL }),
  /** Minor currency units; Stripe's minimum charge is around 50 of most currencies. */
  amount: Type.Integer({ minimum: 50, maximum: 99_999_999 }),
  currency: Type.String({ pattern: '^[A-Za-z]{3}$' }),
  interval: Interval,
  /** Free trial of new subscriptions, in days (Stripe allows up to 730). */
  trialDays: Type.Integer({ minimum: 0, maximum: 730 }),
  /** Checkout shows the promotion code field (codes are created in Stripe). */
  allowPromotionCodes: Type.Boolean(),
  showIds: Type.Array(Uuid, { maxItems: 500 }),
  episodeIds: Type.Array(Uuid, { maxItems: 5000 }),
};

export const PlanCreate = Type.Object(
  {
    name: planFields.name,
    description: Type.Optional(planFields.description),
    amount: planFields.amount,
    currency: planFields.currency,
    interval: planFields.interval,
    trialDays: Type.Optional(planFields.trialDays),
    allowPromotionCodes: Type.Optional(planFields.allowPromotionCodes),
    showIds: Type.Optional(planFields.showIds),
    episodeIds: Type.Optional(planFields.episodeIds),
  },
  { additionalProperties: false },
);

/**
 * An edit: any subset. A new amount, currency or interval makes a new Stripe price for new
 * subscribers (existing ones keep theirs); `showIds` / `episodeIds` replace that kind of grant.
 */
export const PlanUpdate = Type.Object(
  {
    name: Type.Optional(planFields.name),
    description: Type.Optional(planFields.description),
    amount: Type.Optional(planFields.amount),
    currency: Type.Optional(planFields.currency),
    interval: Type.Optional(planFields.interval),
    trialDays: Type.Optional(planFields.trialDays),
    allowPromotionCodes: Type.Optional(planFields.allowPromotionCodes),
    showIds: Type.Optional(planFields.showIds),
    episodeIds: Type.Optional(planFields.episodeIds),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const PlanBody = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    description: Type.String(),
    amount: Type.Integer(),
    currency: Type.String(),
    interval: Interval,
    stripeProductId: Type.Union([Type.String(), Type.Null()]),
    stripePriceId: Type.Union([Type.String(), Type.Null()]),
    /** On sale; false once archived (existing subscribers keep their access). */
    active: Type.Boolean(),
    trialDays: Type.Integer(),
    allowPromotionCodes: Type.Boolean(),
    archivedAt: Nullable(DateTime),
    showIds: Type.Array(Uuid),
    episodeIds: Type.Array(Uuid),
  },
  { additionalProperties: false },
);

export const CheckoutCreate = Type.Object(
  {
    planId: Uuid,
    /** Prefills Checkout; the subscriber is created from the e-mail Stripe confirms. */
    email: Type.Optional(Type.String({ format: 'email', maxLength: 320 })),
    /** An existing subscriber buying another plan (their Stripe customer is reused). */
    subscriberId: Type.Optional(Uuid),
    cancelUrl: Type.Optional(HttpUrl),
    /** The show page the buyer is on: the default cancel URL returns there. */
    showSlug: Type.Optional(Slug),
  },
  { additionalProperties: false },
);

/** A listener on a show page (no credentials). */
export const PublicCheckoutCreate = Type.Object(
  {
    tenantSlug: Slug,
    planId: Uuid,
    email: Type.Optional(Type.String({ format: 'email', maxLength: 320 })),
    /** The show page the listener is on (Checkout's cancel button returns there); default: the plan's show. */
    showSlug: Type.Optional(Slug),
  },
  { additionalProperties: false },
);

export const UrlBody = Type.Object({ url: Type.String() }, { additionalProperties: false });

export const PortalCreate = Type.Object(
  { subscriberId: Uuid, returnUrl: Type.Optional(HttpUrl) },
  { additionalProperties: false },
);

export const SessionBody = Type.Object(
  { id: Type.String(), url: Type.Union([Type.String(), Type.Null()]) },
  { additionalProperties: false },
);

export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });

export const RotateBody = Type.Union([
  Type.Object(
    { rotatedBy: Type.Optional(Type.Union([Type.Literal('subscriber'), Type.Literal('creator')])) },
    { additionalProperties: false },
  ),
  Type.Null(),
]);

export const InternalRotateBody = Type.Object(
  {
    tenantId: Uuid,
    rotatedBy: Type.Union([Type.Literal('subscriber'), Type.Literal('creator')]),
  },
  { additionalProperties: false },
);

export const PlanList = Type.Object({ plans: Type.Array(PlanBody) });

export const RotateAnswer = Type.Object(
  { subscriberId: Uuid, generation: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false },
);

export const EmptyBody = Type.Union([Type.Object({}, { additionalProperties: false }), Type.Null()]);

/** A subscriber's status: their most relevant subscription's (Stripe's words), or `none`. */
const SubscriberStatus = Type.Union([
  Type.Literal('active'),
  Type.Literal('trialing'),
  Type.Literal('past_due'),
  Type.Literal('paused'),
  Type.Literal('unpaid'),
  Type.Literal('incomplete'),
  Type.Literal('incomplete_expired'),
  Type.Literal('canceled'),
  Type.Literal('none'),
]);
const PlanRef = Type.Object({ id: Uuid, name: Type.String() }, { additionalProperties: false });

export const SubscriberQuery = Type.Object(
  {
    /** Part of the e-mail (case-insensitive). */
    q: Type.Optional(Type.String({ maxLength: 320, pattern: NO_NUL })),
    status: Type.Optional(SubscriberStatus),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);

const subscriberFields = {
  id: Uuid,
  email: Type.String(),
  status: SubscriberStatus,
  plan: Nullable(PlanRef),
  since: DateTime,
  feedResetAt: Nullable(DateTime),
};

export const SubscriberItem = Type.Object(subscriberFields, { additionalProperties: false });

export const SubscriberList = Type.Object(
  { items: Type.Array(SubscriberItem), nextCursor: Nullable(Type.String()) },
  { additionalProperties: false },
);

export const SubscriberDetailBody = Type.Object(
  {
    ...subscriberFields,
    name: Nullable(Type.String()),
    suspended: Type.Boolean(),
    subscriptions: Type.Array(
      Type.Object(
        {
          id: Uuid,
          status: SubscriberStatus,
          plan: PlanRef,
          currentPeriodEnd: Nullable(DateTime),
          cancelAtPeriodEnd: Type.Boolean(),
          createdAt: DateTime,
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const ResetFeedAnswer = Type.Object(
  { subscriberId: Uuid, generation: Type.Integer({ minimum: 0 }), feedResetAt: DateTime },
  { additionalProperties: false },
);

export const ConnectStatusBody = Type.Object(
  {
    accountId: Nullable(Type.String()),
    chargesEnabled: Type.Boolean(),
    detailsSubmitted: Type.Boolean(),
  },
  { additionalProperties: false },
);

export const OnboardingLinkBody = Type.Object(
  { url: Type.String(), expiresAt: DateTime },
  { additionalProperties: false },
);
