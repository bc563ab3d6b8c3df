import { errorBodySchema } from '@gatehouse/observability';
import Type from 'typebox';

/** JSON schemas of the billing routes (the TypeBox type provider infers the handlers' types from them). */
export const Uuid = Type.String({ format: 'uuid' });
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

export const PlanCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, pattern: NO_NUL }),
    description: Type.Optional(Type.String({ maxLength: 2000, pattern: NO_NUL })),
    /** Minor currency units; Stripe's minimum charge is around 50 of most currencies. */
    amount: Type.Integer({ minimum: 50, maximum: 99_999_999 }),
    currency: Type.String({ pattern: '^[A-Za-z]{3}$' }),
    interval: Type.Union([Type.Literal('month'), Type.Literal('year')]),
    showIds: Type.Optional(Type.Array(Uuid, { maxItems: 500 })),
    episodeIds: Type.Optional(Type.Array(Uuid, { maxItems: 5000 })),
  },
  { additionalProperties: false },
);

export const PlanBody = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    description: Type.String(),
    amount: Type.Integer(),
    currency: Type.String(),
    interval: Type.Union([Type.Literal('month'), Type.Literal('year')]),
    stripeProductId: Type.Union([Type.String(), Type.Null()]),
    stripePriceId: Type.Union([Type.String(), Type.Null()]),
    active: Type.Boolean(),
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
  },
  { additionalProperties: false },
);

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
