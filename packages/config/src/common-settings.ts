import Type from 'typebox';

/**
 * Reusable declarations of the variables several services share. A service composes the ones it
 * needs into its own `Type.Object`, so its schema lists exactly what it reads.
 */
const url = (description: string, pattern: string) => Type.String({ pattern, description });

export const settings = {
  HOST: Type.String({ default: '0.0.0.0', description: 'Interface the HTTP server binds to.' }),
  port: (fallback: number) =>
    Type.Integer({
      minimum: 1,
      maximum: 65535,
      default: fallback,
      description: 'TCP port of the HTTP server.',
    }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
    { default: 'info', description: 'pino log level.' },
  ),
  SHUTDOWN_GRACE_MS: Type.Integer({
    minimum: 0,
    default: 10_000,
    description: 'How long in-flight requests may take to finish after SIGTERM before the process exits.',
  }),
  DATABASE_URL: url('PostgreSQL connection URL (postgresql://user:pass@host:port/db).', '^postgres(ql)?://'),
  REDIS_URL: url('Redis connection URL (redis:// or rediss://).', '^rediss?://'),
  NATS_URL: Type.String({
    pattern: '^(nats|tls|wss?)://',
    description: 'NATS server URL(s), comma-separated (nats://host:4222).',
  }),
  S3_ENDPOINT: Type.Optional(
    url('S3-compatible endpoint URL; unset means AWS S3 for S3_REGION.', '^https?://'),
  ),
  S3_REGION: Type.String({ default: 'us-east-1', description: 'S3 region used for signing.' }),
  S3_BUCKET: Type.String({ minLength: 3, description: 'Bucket that holds media objects.' }),
  S3_ACCESS_KEY_ID: Type.String({ minLength: 1, description: 'S3 access key id.' }),
  S3_SECRET_ACCESS_KEY: Type.String({ minLength: 1, description: 'S3 secret access key.' }),
  S3_FORCE_PATH_STYLE: Type.Boolean({
    default: false,
    description: 'Use path-style bucket addressing (MinIO and most self-hosted S3 servers need it).',
  }),
  STRIPE_SECRET_KEY: Type.String({
    pattern: '^(sk|rk)_',
    description: 'Stripe secret or restricted API key.',
  }),
  STRIPE_WEBHOOK_SECRETS: Type.String({
    pattern: '^whsec_',
    description: 'Webhook endpoint signing secrets, comma-separated; several are accepted during rotation.',
  }),
  STRIPE_API_HOST: Type.Optional(
    Type.String({ description: 'Override of the Stripe API host (stripe-mock).' }),
  ),
  STRIPE_API_PORT: Type.Optional(
    Type.Integer({ description: 'Override of the Stripe API port (stripe-mock).' }),
  ),
  STRIPE_API_PROTOCOL: Type.Optional(
    Type.Union([Type.Literal('http'), Type.Literal('https')], {
      description: 'Override of the Stripe API protocol.',
    }),
  ),
  TOKEN_KEYS: Type.String({
    pattern: '^[A-Za-z0-9]{1,8}:[A-Za-z0-9_-]{43,}(,[A-Za-z0-9]{1,8}:[A-Za-z0-9_-]{43,})*$',
    description: 'HMAC keys for feed/media tokens as kid:base64url-secret (≥32 bytes), comma-separated.',
  }),
  TOKEN_ACTIVE_KID: Type.String({ minLength: 1, description: 'Key id used to sign new tokens.' }),
  INTERNAL_API_TOKEN: Type.String({
    minLength: 32,
    pattern: '^[A-Za-z0-9._~+/=-]{32,}$',
    description:
      'Shared secret of service-to-service calls (/internal/…): sent as `Authorization: Bearer …`, checked in constant time (≥ 32 chars, e.g. `openssl rand -base64 32`).',
  }),
  PUBLIC_BASE_URL: url('Public URL of the edge, used in feed and media links.', '^https?://'),
} as const;
