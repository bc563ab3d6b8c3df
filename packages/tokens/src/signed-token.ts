import { timingSafeEqual } from 'node:crypto';
import { decodeBase64Url } from './binary.ts';
import type { Keyring } from './keyring.ts';

/**
 * The shared frame of every signed token:
 *   [type:1][kidLength:1][kid:1–8][body:N][mac:16]
 * mac = first 16 bytes of HMAC-SHA256(key[kid], everything before it). 128-bit truncated HMAC
 * is the usual safe length for bearer tokens; it keeps URLs short.
 */
export const MAC_LENGTH = 16;

export type VerifyFailure = 'malformed' | 'unknown_key' | 'bad_signature' | 'expired';

export function sealToken(keyring: Keyring, type: number, body: Uint8Array): string {
  const kid = Buffer.from(keyring.activeKid, 'ascii');
  const unsigned = Buffer.concat([Buffer.from([type, kid.length]), kid, body]);
  const mac = keyring.sign(keyring.activeKid, unsigned)!.subarray(0, MAC_LENGTH);
  return Buffer.concat([unsigned, mac]).toString('base64url');
}

/**
 * Checks the frame and the MAC, in constant time for the MAC comparison. Returns the body only
 * when the signature is valid, so a caller cannot act on unverified bytes.
 */
export function openToken(
  keyring: Keyring,
  type: number,
  bodyLength: number,
  token: string,
): { ok: true; kid: string; body: Buffer } | { ok: false; reason: VerifyFailure } {
  if (token.length > 256) return { ok: false, reason: 'malformed' };
  const bytes = decodeBase64Url(token);
  if (!bytes || bytes.length < 3 || bytes[0] !== type) return { ok: false, reason: 'malformed' };
  const kidLength = bytes[1]!;
  if (kidLength < 1 || kidLength > 8 || bytes.length !== 2 + kidLength + bodyLength + MAC_LENGTH) {
    return { ok: false, reason: 'malformed' };
  }
  const kid = bytes.subarray(2, 2 + kidLength).toString('ascii');
  if (!keyring.has(kid)) return { ok: false, reason: 'unknown_key' };
  const macStart = bytes.length - MAC_LENGTH;
  const expected = keyring.sign(kid, bytes.subarray(0, macStart))!.subarray(0, MAC_LENGTH);
  if (!timingSafeEqual(expected, bytes.subarray(macStart))) return { ok: false, reason: 'bad_signature' };
  return { ok: true, kid, body: bytes.subarray(2 + kidLength, macStart) };
}
