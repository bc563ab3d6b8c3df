import { randomBytes } from 'node:crypto';
import { errors } from '@gatehouse/errors';
import { found } from './found.ts';
import { normalizeHostname } from './hostname.ts';

export type CustomDomainStatus = 'pending' | 'active' | 'failed' | 'removing';

/**
 * A host name a creator points at the platform. `pending` until the creator proves ownership (verify),
 * then `active`: the Kubernetes reconciler routes only active domains, and feeds use the creator's
 * active domain for their URLs.
 */
export interface CustomDomain {
  id: string;
  hostname: string;
  status: CustomDomainStatus;
  /** Proves ownership: the TXT record `_gatehouse.{hostname}`, or the body of the HTTP token file. */
  verificationToken: string;
  verifiedAt: Date | null;
  createdAt: Date;
}

/** Custom domains in storage, scoped by tenant. `create` throws `hostnameTaken()` for a registered name. */
export interface CustomDomainsRepository {
  create(tenantId: string, domain: { hostname: string; verificationToken: string }): Promise<CustomDomain>;
  /** Ordered by host name. */
  list(tenantId: string): Promise<CustomDomain[]>;
  find(tenantId: string, domainId: string): Promise<CustomDomain | undefined>;
  /** pending/failed → active with verifiedAt; undefined when it is not (any more) pending or failed. */
  markActive(tenantId: string, domainId: string, verifiedAt: Date): Promise<CustomDomain | undefined>;
  /** Deletes the row, so the host name is free for anyone (the reconciler drops its route). */
  delete(tenantId: string, domainId: string): Promise<CustomDomain | undefined>;
}

/** What one lookup found: the TXT strings, or the token file's body; `error` when the lookup failed. */
export interface OwnershipCheck {
  found: string[];
  error?: string;
}

/** Looks for the proofs on the internet (DNS and HTTP; adapters/domain-ownership.client.ts). */
export interface OwnershipProbe {
  txt(name: string): Promise<OwnershipCheck>;
  /** GET `http://{host}{path}` (no redirects), body when the answer is 200. */
  httpToken(host: string, path: string): Promise<OwnershipCheck>;
}

export const txtRecordName = (hostname: string) => `_gatehouse.${hostname}`;
export const tokenPath = (token: string) => `/.well-known/gatehouse-domain/${token}`;

export const hostnameTaken = () => errors.conflict('this hostname is already registered');

export interface CustomDomainsService {
  register(tenantId: string, hostname: string): Promise<CustomDomain>;
  list(tenantId: string): Promise<CustomDomain[]>;
  get(tenantId: string, domainId: string): Promise<CustomDomain>;
  /**
   * pending → active once a proof is seen (DNS TXT, else the HTTP token); else 422 saying what was
   * looked up and what was found. An active domain stays active.
   */
  verify(tenantId: string, domainId: string): Promise<CustomDomain>;
  /** Deletes the domain: the host name is free at once, the reconciler drops route and certificate. */
  remove(tenantId: string, domainId: string): Promise<CustomDomain>;
}

export function createCustomDomainsService(
  domains: CustomDomainsRepository,
  ownership: OwnershipProbe,
  now: () => Date = () => new Date(),
): CustomDomainsService {
  return {
    async register(tenantId, hostname) {
      const normalized = normalizeHostname(hostname);
      if (!normalized.ok) throw errors.validation(`hostname ${normalized.reason}`);
      const verificationToken = randomBytes(18).toString('base64url');
      return domains.create(tenantId, { hostname: normalized.hostname, verificationToken });
    },
    list: (tenantId) => domains.list(tenantId),
    get: async (tenantId, domainId) => found(await domains.find(tenantId, domainId), 'domain'),
    async verify(tenantId, domainId) {
      const domain = found(await domains.find(tenantId, domainId), 'domain');
      if (domain.status === 'active') return domain;
      if (domain.status === 'removing') throw errors.conflict('domain is being removed');
      const { hostname, verificationToken: token } = domain;
      // Both at once: a verify answers within one lookup timeout, whichever proof the creator chose.
      const [dns, http] = await Promise.all([
        ownership.txt(txtRecordName(hostname)),
        ownership.httpToken(hostname, tokenPath(token)),
      ]);
      if (dns.found.includes(token) || http.found.includes(token)) {
        // A concurrent verify or removal may have moved it on: answer what is stored now.
        return (
          (await domains.markActive(tenantId, domainId, now())) ??
          found(await domains.find(tenantId, domainId), 'domain')
        );
      }
      throw errors.unprocessable('no ownership proof found for this domain yet', {
        reason: 'proof_not_found',
        expected: token,
        lookedUp: [
          {
            method: 'dns',
            name: txtRecordName(hostname),
            type: 'TXT',
            found: dns.found,
            ...(dns.error ? { error: dns.error } : {}),
          },
          {
            method: 'http',
            url: `http://${hostname}${tokenPath(token)}`,
            found: http.found,
            ...(http.error ? { error: http.error } : {}),
          },
        ],
      });
    },
    async remove(tenantId, domainId) {
      const removed = found(await domains.delete(tenantId, domainId), 'domain');
      return { ...removed, status: 'removing' };
    },
  };
}
