import { errorBodySchema } from '@gatehouse/observability';
import Type from 'typebox';

/** JSON schemas of the sign-in, API-key and operator routes (the TypeBox provider types the handlers). */

export function errorResponses(...statuses: number[]) {
  return Object.fromEntries(statuses.map((status) => [status, errorBodySchema])) as Record<
    number,
    typeof errorBodySchema
  >;
}

const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
export const Uuid = Type.String({ pattern: UUID_PATTERN });
const Email = Type.String({ minLength: 3, maxLength: 254, description: 'E-mail address (case-insensitive)' });
/** Free text stored in Postgres, whose text type cannot hold U+0000: refused as a 400. */
const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '^[^\\u0000]*$' });
const Timestamp = Type.String({ description: 'ISO 8601 date-time' });
const NoBody = Type.Unsafe<undefined>(Type.Null({ description: 'No body' }));
export const noContent = { 204: NoBody };

const closed = { additionalProperties: false } as const;

export const SignInBody = Type.Object({ email: Email }, closed);
export const Accepted = Type.Object(
  { message: Type.String({ description: 'What happens next (the same for known and unknown addresses)' }) },
  closed,
);
export const ConfirmBody = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) }, closed);
export const SwitchTenantBody = Type.Object({ tenantId: Uuid }, closed);

export const Session = Type.Object(
  {
    user: Type.Object(
      { id: Uuid, email: Type.String(), name: Type.Union([Type.String(), Type.Null()]) },
      closed,
    ),
    tenant: Type.Object(
      {
        id: Uuid,
        slug: Type.String(),
        name: Type.String(),
        chargesEnabled: Type.Boolean(),
        stripeAccountId: Type.Union([Type.String(), Type.Null()]),
      },
      closed,
    ),
    tenants: Type.Array(
      Type.Object(
        {
          id: Uuid,
          slug: Type.String(),
          name: Type.String(),
          role: Type.Union([Type.Literal('owner'), Type.Literal('member')]),
        },
        closed,
      ),
    ),
    csrfToken: Type.String({
      description: 'Send as X-CSRF-Token on every non-GET request made with the session cookie',
    }),
  },
  closed,
);

const apiKeyFields = {
  id: Uuid,
  name: Type.String(),
  prefix: Type.String({ description: 'The public part of the key (ghk_<prefix>_…), to tell keys apart' }),
  createdAt: Timestamp,
  lastUsedAt: Type.Union([Timestamp, Type.Null()]),
  revokedAt: Type.Union([Timestamp, Type.Null()]),
};
export const ApiKey = Type.Object(apiKeyFields, closed);
export const ApiKeyList = Type.Object({ items: Type.Array(ApiKey) }, closed);
export const NewApiKey = Type.Object(
  { ...apiKeyFields, key: Type.String({ description: 'The key itself: shown this once, never again' }) },
  closed,
);
export const ApiKeyCreate = Type.Object({ name: Name }, closed);
export const ApiKeyParams = Type.Object({ id: Uuid }, closed);

export const TenantRef = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9-]+$',
  description: 'Tenant id (uuid) or slug',
});
export const TenantParams = Type.Object({ tenant: TenantRef }, closed);
export const TenantKeyParams = Type.Object({ tenant: TenantRef, keyId: Uuid }, closed);
export const Tenant = Type.Object(
  {
    id: Uuid,
    slug: Type.String(),
    name: Type.String(),
    status: Type.Union([Type.Literal('active'), Type.Literal('suspended'), Type.Literal('closed')]),
    chargesEnabled: Type.Boolean(),
    detailsSubmitted: Type.Boolean(),
    stripeAccountId: Type.Union([Type.String(), Type.Null()]),
    applicationFeeBps: Type.Integer(),
    createdAt: Timestamp,
  },
  closed,
);
export const TenantList = Type.Object({ items: Type.Array(Tenant) }, closed);
export const TenantCreate = Type.Object(
  {
    slug: Type.String({ minLength: 2, maxLength: 63, pattern: '^[a-z0-9][a-z0-9-]*$' }),
    name: Name,
    ownerEmail: Email,
  },
  closed,
);
export const TenantPatch = Type.Object(
  {
    name: Type.Optional(Name),
    applicationFeeBps: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 10_000, description: 'Platform fee in basis points (100 = 1%)' }),
    ),
  },
  { ...closed, minProperties: 1 },
);
const User = Type.Object(
  { id: Uuid, email: Type.String(), name: Type.Union([Type.String(), Type.Null()]) },
  closed,
);
export const TenantCreated = Type.Object(
  {
    tenant: Tenant,
    owner: User,
    inviteSent: Type.Boolean({ description: 'false: the mail failed; invite again with POST …/invites' }),
  },
  closed,
);
export const InviteCreate = Type.Object(
  { email: Email, role: Type.Optional(Type.Union([Type.Literal('owner'), Type.Literal('member')])) },
  closed,
);
export const Invited = Type.Object(
  {
    tenantId: Uuid,
    user: User,
    role: Type.Union([Type.Literal('owner'), Type.Literal('member')]),
    inviteSent: Type.Boolean(),
  },
  closed,
);
