import { type Static, settings, Type } from '@gatehouse/config';

/** Every variable the web service reads. `main.ts` loads it once; nothing else reads the environment. */
export const webConfigSchema = Type.Object({
  HOST: settings.HOST,
  PORT: settings.port(53006),
  LOG_LEVEL: settings.LOG_LEVEL,
  SHUTDOWN_GRACE_MS: settings.SHUTDOWN_GRACE_MS,
  DATABASE_URL: settings.DATABASE_URL,
  PUBLIC_BASE_URL: settings.PUBLIC_BASE_URL,
  SMTP_URL: Type.String({
    pattern: '^smtps?://',
    description:
      'SMTP server for sign-in and invitation mail (smtp://host:port), the same relay as the portal.',
  }),
  MAIL_FROM: Type.String({
    default: 'Gatehouse <no-reply@gatehouse.invalid>',
    description: 'From address of sign-in and invitation mail.',
  }),
  OPERATOR_API_KEY: Type.String({
    minLength: 32,
    pattern: '^[A-Za-z0-9._~+/=-]{32,}$',
    description:
      'The operator API credential (`/operator/v1/…`, the `gatehouse` CLI): `Authorization: Bearer …`, compared in constant time (≥ 32 chars, e.g. `openssl rand -base64 32`).',
  }),
  SIGN_IN_MAIL_LIMIT: Type.Integer({
    minimum: 1,
    default: 5,
    description: 'Sign-in mails one address may ask for per SIGN_IN_MAIL_WINDOW_SECONDS (then 429).',
  }),
  SIGN_IN_MAIL_WINDOW_SECONDS: Type.Integer({
    minimum: 1,
    default: 900,
    description: 'See SIGN_IN_MAIL_LIMIT.',
  }),
  WEB_UI_DIR: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        'Directory of the built pages (`npm run build:ui -w @gatehouse/web`). Default: services/web/ui/dist beside the code.',
    }),
  ),
});

export type WebConfig = Static<typeof webConfigSchema>;
