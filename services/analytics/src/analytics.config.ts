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
      "The download counter's name: its cursor row in analytics_cursors (a durable JetStream consumer of this name, left by older versions, is deleted at start).",
  }),
  ANALYTICS_BATCH_SIZE: Type.Integer({
    minimum: 1,
    maximum: 50_000,
    default: 5_000,
    description:
      'Records applied per Postgres transaction at most (one pull asks for as many; at most about two batches are in memory).',
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
