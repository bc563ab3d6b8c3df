import { bytesToUuid, uuidToBytes } from './binary.ts';
import type { Keyring } from './keyring.ts';
import { openToken, sealToken, type VerifyFailure } from './signed-token.ts';

/**
 * The long-lived feed/media token that lives in a subscriber's private feed URL and in every
 * enclosure URL. It names the tenant, the subscriber and the token generation — no personal data.
 * Rotation bumps the generation, which kills every URL carrying the old one.
 */
export interface AccessClaims {
  tenantId: string;
  subscriberId: string;
  generation: number;
}

const TYPE_ACCESS = 0x01;
const BODY_LENGTH = 16 + 16 + 4;

export function issueAccessToken(keyring: Keyring, claims: AccessClaims): string {
  if (!Number.isInteger(claims.generation) || claims.generation < 0 || claims.generation > 0xffffffff) {
    throw new RangeError('generation must be a 32-bit unsigned integer');
  }
  const body = Buffer.alloc(BODY_LENGTH);
  uuidToBytes(claims.tenantId).copy(body, 0);
  uuidToBytes(claims.subscriberId).copy(body, 16);
  body.writeUInt32BE(claims.generation, 32);
  return sealToken(keyring, TYPE_ACCESS, body);
}

export type AccessVerification =
  | { ok: true; claims: AccessClaims; kid: string }
  | { ok: false; reason: Exclude<VerifyFailure, 'expired'> };

/** Verifies without any I/O. A failure means: answer 401 and do not touch Redis. */
export function verifyAccessToken(keyring: Keyring, token: string): AccessVerification {
  const opened = openToken(keyring, TYPE_ACCESS, BODY_LENGTH, token);
  if (!opened.ok) return opened as AccessVerification;
  const { body } = opened;
  return {
    ok: true,
    kid: opened.kid,
    claims: {
      tenantId: bytesToUuid(body.subarray(0, 16)),
      subscriberId: bytesToUuid(body.subarray(16, 32)),
      generation: body.readUInt32BE(32),
    },
  };
}
