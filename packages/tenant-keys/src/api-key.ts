import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Tenant API keys: `ghk_<prefix>_<secret>`. The prefix (public, unique) finds the row; only the sha256 of
 * the whole key is stored, compared in constant time. A leaked database therefore leaks no usable key.
 */
const KEY_PATTERN = /^ghk_([a-f0-9]{12})_([A-Za-z0-9_-]{43})$/;

export interface GeneratedApiKey {
  prefix: string;
  /** The plaintext key: shown to its owner once, never stored. */
  key: string;
  secretHash: string;
}

export function generateApiKey(): GeneratedApiKey {
  const prefix = randomBytes(6).toString('hex');
  const key = `ghk_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { prefix, key, secretHash: hashApiKey(key) };
}

export const hashApiKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

/** The prefix of a well-formed key, or undefined. */
export function apiKeyPrefix(key: string): string | undefined {
  return KEY_PATTERN.exec(key)?.[1];
}

/** Constant-time comparison of a presented key against a stored hex sha256. */
export function apiKeyMatches(key: string, storedHash: string): boolean {
  const presented = createHash('sha256').update(key, 'utf8').digest();
  const stored = Buffer.from(storedHash, 'hex');
  return stored.length === presented.length && timingSafeEqual(presented, stored);
}

/** The token of an `Authorization: Bearer …` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
