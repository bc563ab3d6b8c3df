import { type Static, settings, Type } from '@gatehouse/config';

/** Every variable the feeds service reads. `main.ts` loads it once; nothing else reads the environment. */
export const feedsConfigSchema = Type.Object({
  HOST: settings.HOST,
  PORT: settings.port(53003),
  LOG_LEVEL: settings.LOG_LEVEL,
  SHUTDOWN_GRACE_MS: settings.SHUTDOWN_GRACE_MS,
  DATABASE_URL: settings.DATABASE_URL,
  REDIS_URL: settings.REDIS_URL,
  NATS_URL: settings.NATS_URL,
  TOKEN_KEYS: settings.TOKEN_KEYS,
  TOKEN_ACTIVE_KID: settings.TOKEN_ACTIVE_KID,
  PUBLIC_BASE_URL: settings.PUBLIC_BASE_URL,
  INTERNAL_API_TOKEN: settings.INTERNAL_API_TOKEN,
  STRIPE_SECRET_KEY: settings.STRIPE_SECRET_KEY,
  STRIPE_API_HOST: settings.STRIPE_API_HOST,
  STRIPE_API_PORT: settings.STRIPE_API_PORT,
  STRIPE_API_PROTOCOL: settings.STRIPE_API_PROTOCOL,
  SMTP_URL: Type.String({
    pattern: '^smtps?://',
    description: 'SMTP server for magic-link mail (smtp://host:port).',
  }),
  MAIL_FROM: Type.String({
    default: 'Gatehouse <no-reply@gatehouse.invalid>',
    description: 'From address of portal mail.',
  }),
  BILLING_URL: Type.String({
    pattern: '^https?://',
    default: 'http://127.0.0.1:53004',
    description: 'Internal URL of the billing service (feed token rotation).',
  }),
  CATALOG_REVALIDATE_MS: Type.Integer({
    minimum: 0,
    default: 5_000,
    description: 'How old a cached show catalog may get before its stamp is re-checked in Postgres.',
  }),
  ACCESS_CACHE_MS: Type.Integer({
    minimum: 0,
    maximum: 1_000,
    default: 1_000,
    description:
      'How long this process keeps a subscriber/plan access record read from Redis (≤ 1 s: a revocation shows in the feed within it).',
  }),
  PORTAL_SESSION_TTL_SECONDS: Type.Integer({
    minimum: 300,
    default: 30 * 24 * 3600,
    description: 'Portal session lifetime.',
  }),
  MAGIC_LINK_TTL_SECONDS: Type.Integer({
    minimum: 60,
    default: 15 * 60,
    description: 'Magic-link lifetime.',
  }),
});

export type FeedsConfig = Static<typeof feedsConfigSchema>;
