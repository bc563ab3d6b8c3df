import { bytesToUuid, uuidToBytes } from './binary.ts';
import type { Keyring } from './keyring.ts';
import { openToken, sealToken, type VerifyFailure } from './signed-token.ts';

/**
 * A short-lived link for one episode, handed to a signed-in web page (a player or a download
 * button). It still carries the subscriber's generation so a rotation also ends these links, and
 * the auth service checks entitlement as for feed tokens — expiry only narrows the window.
 */
export interface DownloadClaims {
  tenantId: string;
  subscriberId: string;
  generation: number;
  episodeId: string;
  /** Unix seconds. */
  expiresAt: number;
}

const TYPE_DOWNLOAD = 0x02;
const BODY_LENGTH = 16 + 16 + 4 + 16 + 4;

export function issueDownloadToken(keyring: Keyring, claims: DownloadClaims): string {
  const body = Buffer.alloc(BODY_LENGTH);
  uuidToBytes(claims.tenantId).copy(body, 0);
  uuidToBytes(claims.subscriberId).copy(body, 16);
  body.writeUInt32BE(claims.generation, 32);
  uuidToBytes(claims.episodeId).copy(body, 36);
  body.writeUInt32BE(claims.expiresAt, 52);
  return sealToken(keyring, TYPE_DOWNLOAD, body);
}

export type DownloadVerification =
  | { ok: true; claims: DownloadClaims }
  | { ok: false; reason: VerifyFailure };

export function verifyDownloadToken(
  keyring: Keyring,
  token: string,
  nowSeconds: number,
): DownloadVerification {
  const opened = openToken(keyring, TYPE_DOWNLOAD, BODY_LENGTH, token);
  if (!opened.ok) return opened;
  const { body } = opened;
  const claims: DownloadClaims = {
    tenantId: bytesToUuid(body.subarray(0, 16)),
    subscriberId: bytesToUuid(body.subarray(16, 32)),
    generation: body.readUInt32BE(32),
    episodeId: bytesToUuid(body.subarray(36, 52)),
    expiresAt: body.readUInt32BE(52),
  };
  if (claims.expiresAt <= nowSeconds) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}
