import { type Static, settings, Type } from '@gatehouse/config';

/** Every variable the billing service reads. `main.ts` loads it once; nothing else reads the environment. */
export const billingConfigSchema = Type.Object({
  HOST: settings.HOST,
  PORT: settings.port(53004),
  LOG_LEVEL: settings.LOG_LEVEL,
  SHUTDOWN_GRACE_MS: settings.SHUTDOWN_GRACE_MS,
  DATABASE_URL: settings.DATABASE_URL,
  NATS_URL: settings.NATS_URL,
  STRIPE_SECRET_KEY: settings.STRIPE_SECRET_KEY,
  STRIPE_WEBHOOK_SECRETS: settings.STRIPE_WEBHOOK_SECRETS,
  STRIPE_API_HOST: settings.STRIPE_API_HOST,
  STRIPE_API_PORT: settings.STRIPE_API_PORT,
  STRIPE_API_PROTOCOL: settings.STRIPE_API_PROTOCOL,
  PUBLIC_BASE_URL: settings.PUBLIC_BASE_URL,
  INTERNAL_API_TOKEN: settings.INTERNAL_API_TOKEN,
  RECONCILE_INTERVAL_MS: Type.Integer({
    minimum: 0,
    default: 900_000,
    description: 'How often reconciliation lists subscriptions from Stripe and repairs drift (0: never).',
  }),
  PUBLIC_CHECKOUTS_PER_MINUTE: Type.Integer({
    minimum: 1,
    default: 10,
    description:
      'Public (listener page) Checkout sessions one client address may start per minute, per replica; past it 429.',
  }),
  TRUSTED_PROXIES: Type.String({
    default: 'loopback,linklocal,uniquelocal',
    description:
      'Peers whose X-Forwarded-For names the client (Fastify trustProxy: addresses, CIDRs or loopback/linklocal/uniquelocal; "" trusts none). The edge overwrites that header with the address it saw.',
  }),
  OUTBOX_SWEEP_MS: Type.Integer({
    minimum: 50,
    default: 1000,
    description: 'How often the outbox relay looks for unpublished rows without being woken.',
  }),
});

/** What the one-shot `reconcile.ts` command reads: a subset of the service's variables. */
export const reconcileConfigSchema = Type.Pick(billingConfigSchema, [
  'LOG_LEVEL',
  'DATABASE_URL',
  'STRIPE_SECRET_KEY',
  'STRIPE_API_HOST',
  'STRIPE_API_PORT',
  'STRIPE_API_PROTOCOL',
]);

export type BillingConfig = Static<typeof billingConfigSchema>;

/** The webhook secrets, split and trimmed (rotation: several are valid at once). */
export const webhookSecrets = (config: BillingConfig) =>
  config.STRIPE_WEBHOOK_SECRETS.split(',')
    .map((secret) => secret.trim())
    .filter(Boolean);
