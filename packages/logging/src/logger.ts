import { type Logger, type LoggerOptions, pino } from 'pino';

/**
 * Paths that may carry secrets. Tokens travel in URLs (`/m/{token}/…`, `/f/{token}/…`), so the
 * request URL is passed through `redactUrl` before it is logged, and these paths are censored.
 */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["stripe-signature"]',
  'req.headers["x-api-key"]',
  'req.headers["x-gatehouse-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["stripe-signature"]',
  '*.token',
  '*.password',
  '*.secret',
  '*.apiKey',
  '*.presignedUrl',
  'token',
  'password',
  'secret',
  'apiKey',
];

/** Replaces token path segments and signed query parameters with a marker. */
export function redactUrl(url: string): string {
  return url
    .replace(/\/(m|f|feed|t|l)\/[A-Za-z0-9_-]{16,}/g, '/$1/[token]')
    .replace(/([?&](?:token|X-Amz-Signature|X-Amz-Credential|md5|sig|signature)=)[^&]*/gi, '$1[redacted]');
}

export interface LoggerSettings {
  level: string;
  service: string;
  /** Extra pino options (tests pass a destination). */
  options?: LoggerOptions;
}

export function createLogger(settings: LoggerSettings, destination?: pino.DestinationStream): Logger {
  const options: LoggerOptions = {
    level: settings.level,
    base: { service: settings.service },
    redact: { paths: redactPaths, censor: '[redacted]' },
    serializers: {
      req: (req: { method?: string; url?: string; id?: unknown }) => ({
        method: req.method,
        url: req.url ? redactUrl(req.url) : req.url,
        id: req.id,
      }),
    },
    ...settings.options,
  };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
