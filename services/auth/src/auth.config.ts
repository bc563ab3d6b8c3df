import { type Static, settings, Type } from '@gatehouse/config';
import { projectorConfigProperties } from './projector/projector-wiring.ts';

/** Every variable the auth service reads. `main.ts` loads it once; nothing else reads the environment. */
export const authConfigSchema = Type.Object({
  HOST: settings.HOST,
  PORT: settings.port(53001),
  LOG_LEVEL: settings.LOG_LEVEL,
  SHUTDOWN_GRACE_MS: settings.SHUTDOWN_GRACE_MS,
  REDIS_URL: settings.REDIS_URL,
  NATS_URL: settings.NATS_URL,
  TOKEN_KEYS: settings.TOKEN_KEYS,
  TOKEN_ACTIVE_KID: settings.TOKEN_ACTIVE_KID,
  PUBLIC_BASE_URL: settings.PUBLIC_BASE_URL,
  MEDIA_INTERNAL_URL: Type.String({
    pattern: '^https?://',
    description: 'Base URL of the media service for POST /internal/v1/origins (presigned URLs on a miss).',
  }),
  INTERNAL_API_TOKEN: settings.INTERNAL_API_TOKEN,
  MEDIA_INTERNAL_TIMEOUT_MS: Type.Integer({
    minimum: 50,
    maximum: 10_000,
    default: 1_500,
    description: 'Timeout of one origin request to media; past it the edge gets 503 + Retry-After.',
  }),
  AUTH_CACHE_MAX_ENTRIES: Type.Integer({
    minimum: 100,
    default: 100_000,
    description: 'Bound of the in-process record cache (LRU).',
  }),
  AUTH_CACHE_SUBSCRIBER_MAX_AGE_MS: Type.Integer({
    minimum: 0,
    maximum: 1_000,
    default: 1_000,
    description:
      'Max age of cached subscriber/plan records: revocation lands within this even without invalidations.',
  }),
  AUTH_CACHE_POLICY_MAX_AGE_MS: Type.Integer({
    minimum: 0,
    maximum: 60_000,
    default: 5_000,
    description: 'Max age of cached episode/tenant records.',
  }),
  ORIGIN_MIN_REMAINING_S: Type.Integer({
    minimum: 60,
    default: 900,
    description:
      'A presigned origin URL is handed to nginx only while it stays valid this long (slowest download).',
  }),
  DOWNLOAD_LINK_TTL_S: Type.Integer({
    minimum: 10,
    maximum: 86_400,
    default: 300,
    description: 'Lifetime of /d/… download links issued by POST /v1/download-links.',
  }),
  // Projector, cold path and Redis outage policy (services/auth/src/projector).
  ...projectorConfigProperties,
});

export type AuthConfig = Static<typeof authConfigSchema>;
