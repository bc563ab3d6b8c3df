import { createHash, timingSafeEqual } from 'node:crypto';
import { errors } from '@gatehouse/errors';
import { bearerToken } from './api-key.ts';

/** Shortest accepted `INTERNAL_API_TOKEN` (also enforced by `@gatehouse/config`'s setting). */
export const INTERNAL_TOKEN_MIN_LENGTH = 32;

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * The shared credential of service-to-service calls (`/internal/…`): callers send
 * `Authorization: Bearer <INTERNAL_API_TOKEN>`. The edge never routes `/internal/`, but a route that
 * hands out presigned URLs or rotates tokens must not rest on network layout alone.
 *
 * Both sides are hashed before the constant-time compare, so neither the content nor the length of the
 * expected token leaks through timing. Missing, malformed or wrong → 401.
 */
export function createInternalTokenVerifier(expected: string) {
  if (expected.length < INTERNAL_TOKEN_MIN_LENGTH)
    throw new RangeError(`the internal API token must be at least ${INTERNAL_TOKEN_MIN_LENGTH} characters`);
  const expectedDigest = digest(expected);
  return {
    /** Throws an AppError (401) unless `authorization` is `Bearer <expected>`. */
    verify(authorization: string | undefined): void {
      const presented = bearerToken(authorization);
      if (presented === undefined) throw errors.unauthenticated('missing internal credential');
      if (!timingSafeEqual(digest(presented), expectedDigest))
        throw errors.unauthenticated('invalid internal credential');
    },
  };
}

export type InternalTokenVerifier = ReturnType<typeof createInternalTokenVerifier>;

/** The header a caller of an internal route sends. */
export const internalAuthorization = (token: string): string => `Bearer ${token}`;
