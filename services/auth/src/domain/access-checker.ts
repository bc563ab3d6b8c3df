import type { AccessReader } from './access-reader.ts';
import {
  type AccessDecision,
  decideFeedAccess,
  decidePublicAccess,
  decideWithoutPlans,
  decideWithPlans,
  type FeedDecision,
  type VerifiedClaims,
} from './media-access-decider.ts';

/**
 * Reads what a decision needs — one Redis round trip for subscriber + tenant (+ episode), a second
 * for plans only when a premium episode needs them — and applies the pure decider.
 * Rejects when the records cannot be read (Redis down): the caller answers 503, never a deny.
 */
export class AccessChecker {
  readonly #reader: AccessReader;
  readonly #now: () => number;

  constructor(reader: AccessReader, now: () => number = Date.now) {
    this.#reader = reader;
    this.#now = now;
  }

  async media(
    claims: VerifiedClaims,
    episodeId: string,
    fileName: string | undefined,
  ): Promise<AccessDecision> {
    const records = await this.#reader.readCore(claims.tenantId, claims.subscriberId, episodeId);
    const input = { claims, episodeId, fileName, ...records, now: this.#now() };
    const first = decideWithoutPlans(input);
    if (!('needPlans' in first)) return first;
    return decideWithPlans(input, await this.#reader.readPlans(first.needPlans));
  }

  /** Token-less public media: the episode's own policy decides. */
  async publicMedia(episodeId: string, fileName: string): Promise<AccessDecision> {
    const records = await this.#reader.readPublic(episodeId);
    return decidePublicAccess({ episodeId, fileName, ...records, now: this.#now() });
  }

  async feed(claims: VerifiedClaims): Promise<FeedDecision> {
    const records = await this.#reader.readCore(claims.tenantId, claims.subscriberId, undefined);
    return decideFeedAccess(claims, records.subscriber, records.tenant);
  }
}
