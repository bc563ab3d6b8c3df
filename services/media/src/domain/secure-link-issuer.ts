import { isIP } from 'node:net';
import { AppError } from '@gatehouse/errors';
import { signSecureLink } from '@gatehouse/tokens';
import { assertSecureLinkPrefix, tenantSecureLinkPath } from './secure-link-path.ts';

/** Bounds of `expiresInSeconds`: long enough for a slow download, short enough to stay a short link. */
export const SECURE_LINK_TTL = { min: 1, max: 7 * 24 * 3600, default: 3600 } as const;

export interface SecureLinkSettings {
  /** `SECURE_LINK_SECRET`: the edge's `secureLink.secret`. */
  secret: string;
  /** `SECURE_LINK_PREFIX`: one of the edge's `secureLink.prefixes`. */
  prefix: string;
  /** `SECURE_LINK_BIND_CLIENT_IP`: the edge's `secureLink.bindClientIp` (its md5 then covers $remote_addr). */
  bindClientIp: boolean;
  /** Public URL of the edge (`PUBLIC_BASE_URL`), without trailing slash. */
  publicBaseUrl: string;
  now?: () => number;
}

export interface SecureLinkRequest {
  path: string;
  expiresInSeconds: number;
  /** The address the link is bound to (the end user's, as the edge will see it). */
  clientIp?: string | undefined;
}

export interface IssuedSecureLink {
  url: string;
  /** Unix ms. */
  expiresAt: number;
}

export type SecureLinkIssuer = (tenantId: string, request: SecureLinkRequest) => IssuedSecureLink;

/** Signs `/s/…` links nginx verifies by itself; refuses paths outside the tenant's own private area. */
export function createSecureLinkIssuer(settings: SecureLinkSettings): SecureLinkIssuer {
  assertSecureLinkPrefix(settings.prefix);
  const base = settings.publicBaseUrl.replace(/\/+$/, '');
  const now = settings.now ?? Date.now;
  return (tenantId, request) => {
    const path = tenantSecureLinkPath({ path: request.path, prefix: settings.prefix, tenantId });
    const ttl = request.expiresInSeconds;
    if (!Number.isInteger(ttl) || ttl < SECURE_LINK_TTL.min || ttl > SECURE_LINK_TTL.max)
      throw new AppError(
        'VALIDATION_FAILED',
        400,
        `expiresInSeconds must be ${SECURE_LINK_TTL.min}–${SECURE_LINK_TTL.max}`,
      );
    // The edge hashes either with or without $remote_addr: a link of the other kind would never verify.
    if (settings.bindClientIp && !request.clientIp)
      throw new AppError(
        'SECURE_LINK_CLIENT_IP_REQUIRED',
        400,
        'the edge binds links to a client IP: give bindClientIp',
      );
    if (!settings.bindClientIp && request.clientIp)
      throw new AppError(
        'SECURE_LINK_CLIENT_IP_UNSUPPORTED',
        400,
        'the edge does not bind links to client IPs',
      );
    const clientIp = request.clientIp === undefined ? undefined : canonicalIp(request.clientIp);
    const expiresAtSeconds = Math.floor(now() / 1000) + ttl;
    const link = signSecureLink({
      path: `/s/${path}`,
      expiresAt: expiresAtSeconds,
      secret: settings.secret,
      ...(clientIp ? { clientIp } : {}),
    });
    return { url: `${base}${link.url}`, expiresAt: expiresAtSeconds * 1000 };
  };
}

/** The text nginx's `$remote_addr` holds for an address (IPv6 compressed, lower case). */
export function canonicalIp(ip: string): string {
  const version = isIP(ip);
  if (version === 4) {
    if (ip.split('.').some((part) => part.length > 1 && part.startsWith('0')))
      throw new AppError('VALIDATION_FAILED', 400, 'bindClientIp must be an IPv4 or IPv6 address');
    return ip;
  }
  // nginx prints IPv4-mapped addresses with the dotted tail; WHATWG URL would turn it into hex.
  if (version === 6 && /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(ip)) return ip.toLowerCase();
  if (version === 6) return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  throw new AppError('VALIDATION_FAILED', 400, 'bindClientIp must be an IPv4 or IPv6 address');
}
