/** Attributes of a sign-in cookie. */
export interface CookieOptions {
  /** Seconds until the browser drops it; 0 deletes it. */
  maxAgeSeconds: number;
  /** Default `/`. */
  path?: string;
  /** Send only over https. Use `secureCookiesFor(PUBLIC_BASE_URL)`. */
  secure: boolean;
}

const NAME = /^[A-Za-z0-9_-]+$/;
const VALUE = /^[A-Za-z0-9_-]*$/;

/** Cookies are `Secure` exactly when the public base URL is https (plain http only on a developer's loopback). */
export const secureCookiesFor = (publicBaseUrl: string): boolean => publicBaseUrl.startsWith('https://');

/**
 * A `Set-Cookie` value: HttpOnly (no script reads it), SameSite=Lax (not sent on cross-site POSTs,
 * still sent when the user follows a link to us), Path=/ unless narrowed, Secure on https.
 */
export function buildCookie(name: string, value: string, options: CookieOptions): string {
  if (!NAME.test(name) || !VALUE.test(value)) throw new Error('cookie name/value must be base64url text');
  const maxAge = Math.max(0, Math.floor(options.maxAgeSeconds));
  const parts = [
    `${name}=${value}`,
    `Path=${options.path ?? '/'}`,
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${maxAge}`,
  ];
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

/** A `Set-Cookie` value that deletes the cookie (same name, path and Secure flag). */
export const clearCookie = (name: string, options: Omit<CookieOptions, 'maxAgeSeconds'>): string =>
  buildCookie(name, '', { ...options, maxAgeSeconds: 0 });

/** The value of cookie `name` in a `Cookie` request header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
