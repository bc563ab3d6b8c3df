import type { EpisodePolicy, PlanGrants, SubscriberAccess, TenantPolicy } from '@gatehouse/contracts';
import { redisKeys } from '@gatehouse/contracts';
import type { RecordCache } from './record-cache.ts';

/**
 * Where the records come from: the Redis validity cache (`@gatehouse/access-cache`'s VersionedStore
 * satisfies this). `undefined` means "no such record"; a rejection means "cannot tell" (Redis down),
 * and the two must never be confused — the first can deny, the second answers 503.
 */
export interface RecordSource {
  getMany<T>(keys: readonly string[]): Promise<(T | undefined)[]>;
}

/**
 * Rebuilds a subscriber's record from the source of truth (Postgres) when Redis has none, writes
 * it back to Redis and returns it. Implemented by the projector side; `undefined` = no such
 * subscriber. Until one is plugged in, a missing record denies.
 */
export interface SubscriberColdLoader {
  loadSubscriber(tenantId: string, subscriberId: string): Promise<SubscriberAccess | undefined>;
  /** Optional, same contract for a plan's grants; absent: a missing plan grants nothing. */
  loadPlan?(planId: string): Promise<PlanGrants | undefined>;
  /** Optional, same contract for an episode's policy; absent: a missing episode is unknown (404). */
  loadEpisode?(episodeId: string): Promise<EpisodePolicy | undefined>;
}

export const noColdPath: SubscriberColdLoader = { loadSubscriber: async () => undefined };

export interface CacheAges {
  /** Subscriber and plan entries: revocation must land within this even if an invalidation is lost. */
  subscriberMaxAgeMs: number;
  /** Episode and tenant entries. */
  policyMaxAgeMs: number;
}

export interface CoreRecords {
  subscriber: SubscriberAccess | undefined;
  episode: EpisodePolicy | undefined;
  tenant: TenantPolicy | undefined;
}

const SUB_PREFIX = redisKeys.subscriber('');
const PLAN_PREFIX = redisKeys.plan('');

export class AccessReader {
  readonly #source: RecordSource;
  readonly #cache: RecordCache;
  readonly #cold: SubscriberColdLoader;
  readonly #ages: CacheAges;
  readonly #expiry: (key: string, value: unknown, now: number) => number;

  constructor(options: {
    source: RecordSource;
    cache: RecordCache;
    ages: CacheAges;
    cold?: SubscriberColdLoader;
  }) {
    this.#source = options.source;
    this.#cache = options.cache;
    this.#cold = options.cold ?? noColdPath;
    this.#ages = options.ages;
    const { subscriberMaxAgeMs, policyMaxAgeMs } = options.ages;
    this.#expiry = (key, _value, now) =>
      now + (key.startsWith(SUB_PREFIX) || key.startsWith(PLAN_PREFIX) ? subscriberMaxAgeMs : policyMaxAgeMs);
  }

  /** Subscriber + episode + tenant in one Redis round trip (only the keys not cached). */
  async readCore(
    tenantId: string,
    subscriberId: string,
    episodeId: string | undefined,
  ): Promise<CoreRecords> {
    const keys =
      episodeId === undefined
        ? [redisKeys.subscriber(subscriberId), redisKeys.tenant(tenantId)]
        : [redisKeys.subscriber(subscriberId), redisKeys.tenant(tenantId), redisKeys.episode(episodeId)];
    const values = await this.#cache.loadMany<unknown>(keys, this.#fetch, this.#expiry);
    const subscriber = (values[0] ?? undefined) as SubscriberAccess | undefined;
    const episode = (values[2] ?? undefined) as EpisodePolicy | undefined;
    const tenant = (values[1] ?? undefined) as TenantPolicy | undefined;
    if (subscriber !== undefined && (episode !== undefined || episodeId === undefined))
      return { subscriber, tenant, episode };
    // Misses (e.g. Redis flushed) rebuild from Postgres, both in parallel.
    const [coldSub, coldEpisode] = await Promise.all([
      subscriber ?? this.#coldSubscriber(tenantId, subscriberId),
      episode ?? (episodeId === undefined ? undefined : this.#coldEpisode(episodeId)),
    ]);
    return {
      subscriber: coldSub,
      tenant,
      episode: coldEpisode,
    };
  }

  /** Public media: the episode, then its tenant (cached in-process like every record). */
  async readPublic(
    episodeId: string,
  ): Promise<{ episode: EpisodePolicy | undefined; tenant: TenantPolicy | undefined }> {
    const [value] = await this.#cache.loadMany<unknown>(
      [redisKeys.episode(episodeId)],
      this.#fetch,
      this.#expiry,
    );
    const cached = (value ?? undefined) as EpisodePolicy | undefined;
    const episode = cached === undefined ? await this.#coldEpisode(episodeId) : cached;
    if (episode === undefined) return { episode, tenant: undefined };
    const [tenant] = await this.#cache.loadMany<unknown>(
      [redisKeys.tenant(episode.tenantId)],
      this.#fetch,
      this.#expiry,
    );
    return { episode, tenant: (tenant ?? undefined) as TenantPolicy | undefined };
  }

  /** The second round trip, only for premium episodes. */
  async readPlans(planIds: readonly string[]): Promise<(PlanGrants | undefined)[]> {
    const values = await this.#cache.loadMany<unknown>(
      planIds.map(redisKeys.plan),
      this.#fetch,
      this.#expiry,
    );
    const plans = values.map((value) => (value ?? undefined) as PlanGrants | undefined);
    if (!plans.includes(undefined) || !this.#cold.loadPlan) return plans;
    return Promise.all(plans.map((plan, i) => (plan === undefined ? this.#coldPlan(planIds[i]!) : plan)));
  }

  /** For the projector and the invalidation broadcast: drop these Redis keys from this replica. */
  invalidate(keys: Iterable<string>): void {
    const all: string[] = [];
    for (const key of keys) all.push(key, `cold:${key}`);
    this.#cache.invalidate(all);
  }

  flush(): void {
    this.#cache.flush();
  }

  readonly #fetch = (keys: string[]) => this.#source.getMany<unknown>(keys);

  #coldSubscriber(tenantId: string, subscriberId: string): Promise<SubscriberAccess | undefined> {
    return this.#coldRecord(redisKeys.subscriber(subscriberId), this.#ages.subscriberMaxAgeMs, () =>
      this.#cold.loadSubscriber(tenantId, subscriberId),
    );
  }

  async #coldPlan(planId: string): Promise<PlanGrants | undefined> {
    const load = this.#cold.loadPlan?.bind(this.#cold);
    if (!load) return undefined;
    return this.#coldRecord(redisKeys.plan(planId), this.#ages.subscriberMaxAgeMs, () => load(planId));
  }

  async #coldEpisode(episodeId: string): Promise<EpisodePolicy | undefined> {
    const load = this.#cold.loadEpisode?.bind(this.#cold);
    if (!load) return undefined;
    return this.#coldRecord(redisKeys.episode(episodeId), this.#ages.policyMaxAgeMs, () => load(episodeId));
  }

  async #coldRecord<V>(
    key: string,
    maxAgeMs: number,
    load: () => Promise<V | undefined>,
  ): Promise<V | undefined> {
    // Single-flight per record under a key of its own; the result is stored under the real key.
    const loaded = await this.#cache.once<V>(
      `cold:${key}`,
      load,
      // Cache the cold answer (also "no such record") as briefly as the record itself.
      (_value, now) => now + maxAgeMs,
    );
    if (loaded === null) return undefined;
    this.#cache.set(key, loaded, this.#cache.now() + maxAgeMs);
    return loaded;
  }
}
