import { createHash } from 'node:crypto';
import { constantTimeEqual } from './secrets.ts';

/**
 * The CSRF token of a session, derived from its secret cookie: only the cookie's holder can know it, a
 * page reads it from a JSON answer (or a form field), and it dies with the session. A cross-site page
 * can make the browser send the cookie but can never read this value.
 */
export const csrfTokenFor = (sessionSecret: string): string =>
  createHash('sha256').update(`csrf|${sessionSecret}`, 'utf8').digest('base64url');

/** Whether `submitted` is the CSRF token of the session with this secret (constant time). */
export function csrfMatches(sessionSecret: string, submitted: unknown): boolean {
  return typeof submitted === 'string' && constantTimeEqual(submitted, csrfTokenFor(sessionSecret));
}

/** Methods that change nothing: a session may use them without a CSRF token. */
export const isSafeMethod = (method: string): boolean => method === 'GET' || method === 'HEAD';
