import { type Static, settings, Type } from '@gatehouse/config';

/** Every variable the auth service reads. `main.ts` loads it once; nothing else reads the environment. */
export const authConfigSchema = Type.Object({
  HOST: settings.HOST,
  PORT: settings.port(53001),
  LOG_LEVEL: settings.LOG_LEVEL,
  SHUTDOWN_GRACE_MS: settings.SHUTDOWN_GRACE_MS,
  REDIS_URL: settings.REDIS_URL,
  NATS_URL: settings.NATS_URL,
});

export type AuthConfig = Static<typeof authConfigSchema>;
