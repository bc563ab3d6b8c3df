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
  ANALYTICS_RETENTION_DAYS: Type.Integer({
    minimum: 1,
    default: 400,
    description:
      'Days of listens (hashed listener keys, counted or not) kept in Postgres; older days are deleted and leave the API. JetStream keeps the raw records for its own retention (GH_EDGE).',
  }),
});

export type AnalyticsConfig = Static<typeof analyticsConfigSchema>;
