import { type Static, settings, Type } from '@gatehouse/config';

/** Every variable the analytics service reads. `main.ts` loads it once; nothing else reads the environment. */
export const analyticsConfigSchema = Type.Object({
  HOST: settings.HOST,
  PORT: settings.port(53005),
  LOG_LEVEL: settings.LOG_LEVEL,
  SHUTDOWN_GRACE_MS: settings.SHUTDOWN_GRACE_MS,
  DATABASE_URL: settings.DATABASE_URL,
  NATS_URL: settings.NATS_URL,
  ANALYTICS_CONSUMER: Type.String({
    pattern: '^[A-Za-z0-9_-]+$',
    default: 'analytics-downloads',
    description:
      'Durable JetStream consumer name of the download counter. One replica consumes at a time (counting follows stream order).',
  }),
  ANALYTICS_BATCH_SIZE: Type.Integer({
    minimum: 1,
    maximum: 20_000,
    default: 2_000,
    description: 'Records pulled and applied per Postgres transaction.',
  }),
  ANALYTICS_ACK_WAIT_MS: Type.Integer({
    minimum: 1_000,
    default: 30_000,
    description:
      'How long JetStream waits for the counter to ack a batch before redelivering it (after a crash mid-batch).',
  }),
  EDGE_RECORDS_RETENTION_DAYS: Type.Integer({
    minimum: 1,
    default: 35,
    description:
      "Age after which JetStream drops edge records (stream GH_EDGE). Must equal the shipper's value; a replay rebuilds at most this many days.",
  }),
  ANALYTICS_RETENTION_DAYS: Type.Integer({
    minimum: 1,
    default: 400,
    description:
      'Days of listens (hashed listener keys, counted or not) kept in Postgres; older days are deleted and leave the API. JetStream keeps the raw records for its own retention (GH_EDGE).',
  }),
  // ── Sharing detection (services/analytics/src/adapters/sharing-wiring.ts) ──
  SHARING_CONSUMER: Type.String({
    pattern: '^[A-Za-z0-9_-]+$',
    default: 'analytics-sharing',
    description: 'Durable JetStream consumer name of the sharing detector (independent of the counter).',
  }),
  SHARING_BATCH_SIZE: Type.Integer({
    minimum: 1,
    maximum: 5_000,
    default: 500,
    description: 'Edge records applied per sharing-detection transaction.',
  }),
  BILLING_URL: Type.String({
    pattern: '^https?://',
    default: 'http://127.0.0.1:53004',
    description: 'Internal URL of the billing service (feed-URL resets rotate the token there).',
  }),
  INTERNAL_API_TOKEN: settings.INTERNAL_API_TOKEN,
  SMTP_URL: Type.String({ pattern: '^smtps?://', description: 'SMTP server for the new-feed-link mail.' }),
  MAIL_FROM: Type.String({
    default: 'Gatehouse <no-reply@gatehouse.invalid>',
    description: 'From address of listener mail.',
  }),
  TOKEN_KEYS: settings.TOKEN_KEYS,
  TOKEN_ACTIVE_KID: settings.TOKEN_ACTIVE_KID,
  PUBLIC_BASE_URL: settings.PUBLIC_BASE_URL,
});

export type AnalyticsConfig = Static<typeof analyticsConfigSchema>;
