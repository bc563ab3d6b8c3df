import { createHmac } from 'node:crypto';

/**
 * HMAC keys by key id. New tokens are signed with the active key; every listed key still verifies,
 * so a key can be rotated by adding a new one, making it active, and removing the old one once the
 * tokens signed with it may die (for feed tokens: after a forced generation bump).
 */
export interface Keyring {
  readonly activeKid: string;
  sign(kid: string, data: Uint8Array): Buffer | undefined;
  has(kid: string): boolean;
}

const KID = /^[A-Za-z0-9]{1,8}$/;

/** Parses `kid:base64url-secret,kid2:…` (the TOKEN_KEYS setting). Secrets must be ≥ 32 bytes. */
export function parseKeyring(spec: string, activeKid: string): Keyring {
  const keys = new Map<string, Buffer>();
  for (const entry of spec
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const separator = entry.indexOf(':');
    const kid = entry.slice(0, separator);
    const secret = Buffer.from(entry.slice(separator + 1), 'base64url');
    if (separator < 1 || !KID.test(kid))
      throw new Error(`token key id "${kid}" must be 1–8 letters or digits`);
    if (secret.length < 32) throw new Error(`token key "${kid}" must be at least 32 bytes of base64url`);
    if (keys.has(kid)) throw new Error(`token key id "${kid}" is listed twice`);
    keys.set(kid, secret);
  }
  if (!keys.has(activeKid)) throw new Error(`active token key id "${activeKid}" is not in the keyring`);
  return {
    activeKid,
    has: (kid) => keys.has(kid),
    sign(kid, data) {
      const secret = keys.get(kid);
      return secret ? createHmac('sha256', secret).update(data).digest() : undefined;
    },
  };
}
