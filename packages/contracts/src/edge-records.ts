import Type, { type Static, type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';

/**
 * Edge records: one per media, download, public-media and private-feed request, written by nginx,
 * hashed and published by the edge-records shipper (services/analytics/src/shipper), read by the
 * analytics consumer. Published with `Nats-Msg-Id` = `id`, so a shipper that re-reads lines after a
 * crash publishes nothing twice within the stream's duplicate window; consumers still treat `id` as
 * the idempotency key beyond it.
 *
 * In `eventMap` (so `decodeEvent(edgeRequestSubject, …)` works) but without the event envelope
 * (`id` and `at` play the parts of `eventId`/`occurredAt`), and never through the outbox
 * (`EnvelopeSubject` excludes it).
 *
 * The subject lives outside `gh.>` on purpose: `GATEHOUSE_EVENTS` owns `gh.>`, and JetStream does
 * not let two streams claim overlapping subjects. Edge traffic is far larger than the domain
 * events and has its own retention, so it gets its own stream.
 */
export const edgeRequestSubject = 'ghedge.request.v1';

export const edgeRecordsStream = {
  name: 'GH_EDGE',
  subjects: [edgeRequestSubject],
  /** Retention by age; deployments override it (chart `analytics.records.retentionDays`). */
  defaultRetentionDays: 35,
  /**
   * JetStream dedupes `Nats-Msg-Id` within this window. It must outlast the longest shipper outage
   * after which re-read lines are re-published (the shipper re-publishes at most its unacknowledged
   * tail, right after it restarts).
   */
  duplicateWindowMs: 2 * 60 * 60 * 1000,
} as const;

const Uuid = Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' });
const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const EdgeRequestKind = Type.Union([
  Type.Literal('media'), // /m/{token}/… — feed-token media
  Type.Literal('download'), // /d/{token}/… — signed download links
  Type.Literal('public'), // /pub/… — token-less public episodes
  Type.Literal('feed'), // /f/{token}/….xml — private feeds
]);
export type EdgeRequestKind = Static<typeof EdgeRequestKind>;

/** How auth granted a media request (its decision's `via`): the tier dimension of the counts. */
export const EdgeAccessVia = Type.Union([
  Type.Literal('public'),
  Type.Literal('early_access'),
  Type.Literal('lifecycle'),
  Type.Literal('plan'),
]);

export const EdgeRequestRecord = Type.Object(
  {
    /**
     * 32 lowercase hex, unique per request; also the `Nats-Msg-Id`. The shipper derives it from the
     * edge (an id kept beside its records log), `$msec` and nginx's
     * `$pid.$connection.$connection_requests` (services/analytics/src/shipper/record-id.ts), so a
     * re-read line gets the same id. Records of older configs carry nginx's `$request_id`.
     */
    id: Type.String({ pattern: '^[0-9a-f]{32}$' }),
    /** Request end (nginx `$msec`), ISO-8601 UTC with milliseconds. */
    at: Type.String({ format: 'date-time' }),
    kind: EdgeRequestKind,
    method: Type.String({ minLength: 1, maxLength: 16 }),
    /** Status sent to the client (499 when the client went away first). */
    status: Type.Integer({ minimum: 0, maximum: 999 }),
    /** Body bytes sent (`$body_bytes_sent`), headers excluded. */
    bytesSent: Type.Integer({ minimum: 0 }),
    /** The request's Range header as sent (truncated to 256 chars), or null. */
    range: nullable(Type.String({ maxLength: 256 })),
    /** The response's Content-Range, or null (full answers, denies). */
    contentRange: nullable(Type.String({ maxLength: 256 })),
    /** Whole object size from the auth grant (`X-Media-Size`); null for feeds and denies. */
    objectSize: nullable(Type.Integer({ minimum: 0 })),
    /**
     * Identity from the auth decision (response headers of the grant captured with
     * `auth_request_set`), never parsed from the token by nginx. Null when auth did not grant
     * (a denied request still gets a record), subscriber null for public media, episode null for feeds.
     */
    tenantId: nullable(Uuid),
    subscriberId: nullable(Uuid),
    episodeId: nullable(Uuid),
    /** How auth granted the media (the access part of `X-Gatehouse-Grant`); null for denies and feeds. */
    via: nullable(EdgeAccessVia),
    /** User-Agent as sent, truncated to 512 chars; '' when absent. */
    userAgent: Type.String({ maxLength: 512 }),
    /**
     * HMAC-SHA256(salt of `saltDay`, client address) as hex; an IPv6 address is reduced to its /64
     * first, so one listener on several addresses of one /64 hashes the same. The client address
     * is nginx's `$remote_addr` after `set_real_ip_from`/`real_ip_header` (trusted proxies only).
     * The raw address never leaves the shipper.
     */
    ipHash: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    /** The address's network: `a.b.c.0/24` for IPv4, `xxxx:xxxx:xxxx:xxxx::/64` for IPv6. */
    network: Type.String({ minLength: 1, maxLength: 64 }),
    /** The UTC day (YYYY-MM-DD) whose salt made `ipHash`; hashes compare only within a day. */
    saltDay: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
  },
  { additionalProperties: false },
);
export type EdgeRequestRecord = Static<typeof EdgeRequestRecord>;

const validator = Compile(EdgeRequestRecord);

/** Validates a record before it is published (the shipper checks each one once). */
export const isEdgeRequestRecord = (value: unknown): value is EdgeRequestRecord => validator.Check(value);
