import { errors } from '@gatehouse/errors';
import { apiKeyMatches, apiKeyPrefix, bearerToken, hashApiKey } from './api-key.ts';

/** What verification needs of a stored key and its tenant (plain values, no ORM types). */
export interface ApiKeyRecord {
  id: string;
  tenantId: string;
  secretHash: string;
  revoked: boolean;
  tenantStatus: 'active' | 'suspended' | 'closed';
  /** The tenant's Stripe Connect account (billing needs it; one read serves both services). */
  tenantStripeAccountId: string | null;
  lastUsedAt: Date | null;
}

/** Where keys are looked up; `createPrismaApiKeyRepository` is the Postgres one. */
export interface ApiKeyRepository {
  findByPrefix(prefix: string): Promise<ApiKeyRecord | undefined>;
  /** Records that the key was used now (best effort). */
  touch(id: string): Promise<void>;
}

export interface ApiKeyVerifierOptions {
  /** `lastUsedAt` is written at most this often per key, so a busy key costs no write per request. */
  touchEveryMs?: number;
  now?: () => number;
}

/** Compared against when the prefix is unknown, so an unknown key costs the same as a wrong one. */
const DUMMY_HASH = hashApiKey(`ghk_000000000000_${'A'.repeat(43)}`);

/**
 * The one tenant API key check of every service: `Authorization: Bearer ghk_…` → the key's record, or an
 * AppError (401 missing/malformed/unknown/wrong/revoked, 403 tenant not active). A service's hook only
 * calls `verify` and attaches the tenant to its request.
 */
export function createApiKeyVerifier(keys: ApiKeyRepository, options: ApiKeyVerifierOptions = {}) {
  const touchEveryMs = options.touchEveryMs ?? 5 * 60 * 1000;
  const now = options.now ?? Date.now;
  return {
    /** `onTouchError` receives a failed `lastUsedAt` write (logged by the caller, never fatal). */
    async verify(
      authorization: string | undefined,
      onTouchError: (error: unknown) => void = () => {},
    ): Promise<ApiKeyRecord> {
      const key = bearerToken(authorization);
      const prefix = key === undefined ? undefined : apiKeyPrefix(key);
      if (key === undefined || prefix === undefined)
        throw errors.unauthenticated('missing or malformed API key (Authorization: Bearer ghk_…)');
      const record = await keys.findByPrefix(prefix);
      const matches = apiKeyMatches(key, record?.secretHash ?? DUMMY_HASH);
      if (!record || !matches || record.revoked) throw errors.unauthenticated('invalid API key');
      if (record.tenantStatus !== 'active') throw errors.forbidden('tenant is not active');
      if (!record.lastUsedAt || now() - record.lastUsedAt.getTime() > touchEveryMs) {
        keys.touch(record.id).catch(onTouchError);
      }
      return record;
    },
  };
}

export type ApiKeyVerifier = ReturnType<typeof createApiKeyVerifier>;
