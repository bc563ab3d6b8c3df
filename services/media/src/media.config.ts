import { type Static, settings, Type } from '@gatehouse/config';

const MiB = 1024 * 1024;

/** Every variable the media service reads. `main.ts` loads it once; nothing else reads the environment. */
export const mediaConfigSchema = Type.Object({
  HOST: settings.HOST,
  PORT: settings.port(53002),
  LOG_LEVEL: settings.LOG_LEVEL,
  SHUTDOWN_GRACE_MS: settings.SHUTDOWN_GRACE_MS,
  DATABASE_URL: settings.DATABASE_URL,
  REDIS_URL: settings.REDIS_URL,
  NATS_URL: settings.NATS_URL,
  INTERNAL_API_TOKEN: settings.INTERNAL_API_TOKEN,
  STORAGE_DRIVER: Type.Union([Type.Literal('s3'), Type.Literal('local')], {
    default: 's3',
    description:
      'Where media objects live: an S3-compatible bucket or a local protected directory (seed 002).',
  }),
  S3_ENDPOINT: settings.S3_ENDPOINT,
  S3_REGION: settings.S3_REGION,
  S3_BUCKET: Type.Optional(settings.S3_BUCKET),
  S3_ACCESS_KEY_ID: Type.Optional(settings.S3_ACCESS_KEY_ID),
  S3_SECRET_ACCESS_KEY: Type.Optional(settings.S3_SECRET_ACCESS_KEY),
  S3_FORCE_PATH_STYLE: settings.S3_FORCE_PATH_STYLE,
  LOCAL_STORAGE_DIR: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        'Protected directory for STORAGE_DRIVER=local (nginx serves it from an internal location).',
    }),
  ),
  MEDIA_PUBLIC_URL: Type.Optional(
    Type.String({
      pattern: '^https?://',
      description:
        'URL creators reach the media API at; local uploads are PUT to {MEDIA_PUBLIC_URL}/api/v1/uploads/{id}/content.',
    }),
  ),
  PUBLIC_BASE_URL: Type.Optional(settings.PUBLIC_BASE_URL),
  SECURE_LINK_SECRET: Type.Optional(
    Type.String({
      minLength: 16,
      pattern: '^[^"$\\s\\\\;{}\'#]+$',
      description:
        "Secret of nginx secure_link links (/s/…, seed 003). Must equal the edge's secureLink.secret (chart: the Secret key SECURE_LINK_SECRET, shared with the edge and auth). Unset: POST /api/v1/secure-links is not served. Needs PUBLIC_BASE_URL.",
    }),
  ),
  SECURE_LINK_PREFIX: Type.String({
    pattern: '^[A-Za-z0-9_-][A-Za-z0-9._-]*/$',
    default: 'private/',
    description:
      "Private prefix tenants' files live under ({prefix}t/{tenantId}/…). Must be one of the edge's secureLink.prefixes, or the edge answers 404.",
  }),
  SECURE_LINK_BIND_CLIENT_IP: Type.Boolean({
    default: false,
    description:
      "Must equal the edge's secureLink.bindClientIp: when true every link is bound to a client address (bindClientIp required).",
  }),
  PRIVATE_FILES_DIR: Type.Optional(
    Type.String({
      pattern: '^/',
      description:
        "The edge's secureLink.root (local stack: .stack/protected). Set: PUT /api/v1/private-files/{path} stores files at {SECURE_LINK_PREFIX}t/{tenantId}/{path} there (atomic, never replacing). Unset: files reach the directory by other means.",
    }),
  ),
  PRIVATE_FILE_MAX_BYTES: Type.Integer({
    minimum: 1,
    default: 512 * MiB,
    description: 'Largest private file PUT /api/v1/private-files accepts (413 above).',
  }),
  ORIGIN_URL_TTL_SECONDS: Type.Integer({
    minimum: 300,
    maximum: 7 * 24 * 3600,
    default: 6 * 3600,
    description:
      'Lifetime of presigned origin GET URLs kept in Redis; refreshed when less than half remains.',
  }),
  ORIGIN_SWEEP_INTERVAL_SECONDS: Type.Integer({
    minimum: 10,
    default: 600,
    description: 'How often recently requested/ready objects get their origin URLs refreshed.',
  }),
  UPLOAD_URL_TTL_SECONDS: Type.Integer({
    minimum: 60,
    maximum: 7 * 24 * 3600,
    default: 3600,
    description: 'Lifetime of upload URLs.',
  }),
  MAX_UPLOAD_BYTES: Type.Integer({
    minimum: 1,
    default: 5 * 1024 * MiB,
    description: 'Largest accepted upload (413 above).',
  }),
  MULTIPART_THRESHOLD_BYTES: Type.Integer({
    minimum: 5 * MiB,
    default: 64 * MiB,
    description: 'Uploads this large use S3 multipart.',
  }),
  DOMAIN_DNS_SERVERS: Type.Optional(
    Type.String({
      pattern: '^[^,\\s]+(,[^,\\s]+)*$',
      description:
        'Comma-separated resolvers (ip or ip:port) for custom domain ownership checks (TXT _gatehouse.{host}); unset: the system resolvers.',
    }),
  ),
  DOMAIN_HTTP_PROOF_PORT: Type.Integer({
    minimum: 1,
    maximum: 65535,
    default: 80,
    description: 'Port of the HTTP ownership check http://{host}/.well-known/gatehouse-domain/{token}.',
  }),
  MULTIPART_PART_BYTES: Type.Integer({
    minimum: 5 * MiB,
    default: 16 * MiB,
    description: 'Multipart part size (grown for huge files).',
  }),
});

export type MediaConfig = Static<typeof mediaConfigSchema>;
