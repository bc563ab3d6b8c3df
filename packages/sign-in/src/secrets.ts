import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A secret is 32 random bytes, base64url: 43 characters, 256 bits. */
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A fresh secret for a magic link, a session cookie or anything else handed out once. */
export const newSecret = (): string => randomBytes(32).toString('base64url');

/** Whether a presented value could be one of our secrets (cheap check before any lookup). */
export const isSecretShaped = (value: unknown): value is string =>
  typeof value === 'string' && SECRET_PATTERN.test(value);

/** Hex sha256: what is stored in place of a secret, so a leaked table holds no usable credential. */
export const sha256Hex = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');

/**
 * Constant-time equality of two strings. Both sides are hashed first, so neither their contents nor
 * their lengths decide how long the comparison takes.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a, 'utf8').digest();
  const right = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(left, right);
}

/** Constant-time check of a presented value against a stored hex sha256 of it. */
export function matchesHash(value: string, storedHashHex: string): boolean {
  const presented = createHash('sha256').update(value, 'utf8').digest();
  const stored = Buffer.from(storedHashHex, 'hex');
  return stored.length === presented.length && timingSafeEqual(presented, stored);
}
