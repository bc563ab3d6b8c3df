import Type, { type Static, type TSchema } from 'typebox';
import { EpisodePolicy, PlanGrants, SubscriberAccess, TenantPolicy } from './access-records.ts';
import { EdgeRequestRecord, edgeRequestSubject } from './edge-records.ts';

/**
 * The typed event contract: subject → payload schema, shared by every publisher and consumer.
 * Subjects are versioned; a breaking change gets a new `.v2` subject published alongside.
 * Every payload carries `eventId`, which publishers send as `Nats-Msg-Id` (JetStream dedupe) and
 * consumers use for idempotency beyond the dedupe window.
 */

const Uuid = Type.String({ minLength: 36, maxLength: 36 });
const envelope = { eventId: Type.String({ minLength: 1 }), occurredAt: Type.String({ format: 'date-time' }) };

// Spelled out (not mapped from an array) so the static type is the union of the literals.
const StripeStatus = Type.Union([
  Type.Literal('incomplete'),
  Type.Literal('incomplete_expired'),
  Type.Literal('trialing'),
  Type.Literal('active'),
  Type.Literal('past_due'),
  Type.Literal('canceled'),
  Type.Literal('unpaid'),
  Type.Literal('paused'),
]);

export const eventMap = {
  /** Billing changed a subscription (from a webhook or reconciliation). Informational. */
  'gh.billing.subscription.changed.v1': Type.Object(
    {
      ...envelope,
      tenantId: Uuid,
      subscriberId: Uuid,
      subscriptionId: Uuid,
      planId: Uuid,
      status: StripeStatus,
      currentPeriodEnd: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
      cancelAtPeriodEnd: Type.Boolean(),
      version: Type.Integer({ minimum: 0 }),
    },
    { additionalProperties: false },
  ),
  /** The full access snapshot of one subscriber; the auth projector stores it as-is by version. */
  'gh.access.subscriber.changed.v1': Type.Object(
    { ...envelope, access: SubscriberAccess },
    { additionalProperties: false },
  ),
  /** A feed token was reset; `access` is the snapshot with the new generation. */
  'gh.access.token.rotated.v1': Type.Object(
    {
      ...envelope,
      access: SubscriberAccess,
      rotatedBy: Type.Union([Type.Literal('subscriber'), Type.Literal('creator'), Type.Literal('operator')]),
    },
    { additionalProperties: false },
  ),
  /** What a plan grants changed (entitlements). */
  'gh.access.plan.changed.v1': Type.Object(
    { ...envelope, grants: PlanGrants },
    { additionalProperties: false },
  ),
  /** Tenant settings the hot path reads changed (suspension). */
  'gh.access.tenant.changed.v1': Type.Object(
    { ...envelope, tenant: TenantPolicy },
    { additionalProperties: false },
  ),
  'gh.media.episode.published.v1': Type.Object(
    { ...envelope, policy: EpisodePolicy },
    { additionalProperties: false },
  ),
  'gh.media.episode.updated.v1': Type.Object(
    { ...envelope, policy: EpisodePolicy },
    { additionalProperties: false },
  ),
  'gh.media.episode.removed.v1': Type.Object(
    { ...envelope, policy: EpisodePolicy },
    { additionalProperties: false },
  ),
  /** One edge request (stream GH_EDGE, edge-records.ts): no envelope, its `id` is the dedupe id. */
  [edgeRequestSubject]: EdgeRequestRecord,
} as const satisfies Record<string, TSchema>;

export type EventMap = typeof eventMap;
export type Subject = keyof EventMap;
export type EventPayload<S extends Subject> = Static<EventMap[S]>;

export const subjects = Object.keys(eventMap) as Subject[];

/** Subjects whose payload carries the event envelope (`eventId`): everything the outbox publishes. */
export type EnvelopeSubject = Exclude<Subject, typeof edgeRequestSubject>;

/** JetStream layout: one stream for the platform's events, one for dead letters. */
export const streams = {
  events: { name: 'GATEHOUSE_EVENTS', subjects: ['gh.>'] },
  deadLetter: { name: 'GATEHOUSE_DLQ', subjects: ['ghdlq.>'] },
} as const;

/** Dead-letter subject for a message that exhausted its deliveries in `consumer`. */
export const deadLetterSubject = (consumer: string, subject: string) => `ghdlq.${consumer}.${subject}`;

/**
 * Core NATS (not JetStream) subject on which every auth replica hears which in-process cache
 * entries to drop. Outside `gh.>` so the events stream never stores it.
 */
export const invalidationSubject = 'ghx.cache.invalidate.v1';
export const Invalidation = Type.Object(
  { keys: Type.Array(Type.String()), origin: Type.String() },
  { additionalProperties: false },
);
export type Invalidation = Static<typeof Invalidation>;
