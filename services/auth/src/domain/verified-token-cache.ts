import { BoundedCache } from '@gatehouse/bounded-cache';

/**
 * Tokens that already verified, so the HMAC of a feed token runs once per token instead of once per
 * range request (it was ~13% of the auth process's CPU under load; podcast apps repeat one URL many
 * times). Only successes are remembered: a forged or mutated token is verified, and refused, every
 * time — it can never reach Redis through this cache. The keyring is fixed for the life of the
 * process, so a remembered success stays true; generation and entitlement are still checked against
 * the records on every request. Bounded: the oldest entry goes first (a hit is a `peek`, so the hot
 * path does no reordering).
 */
export class VerifiedTokenCache<C> {
  readonly #entries: BoundedCache<string, C>;

  constructor(maxEntries: number) {
    this.#entries = new BoundedCache({ maxEntries });
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The claims of `token`, from memory or from `verify` (remembered only when it returns claims). */
  verify(token: string, verify: (token: string) => C | undefined): C | undefined {
    const known = this.#entries.peek(token);
    if (known !== undefined) return known.value;
    const claims = verify(token);
    if (claims !== undefined) this.#entries.set(token, claims);
    return claims;
  }
}
