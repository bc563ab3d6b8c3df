import { BoundedCache } from '@gatehouse/bounded-cache';
import { errors } from '@gatehouse/errors';
import { type AccessClaims, type Keyring, verifyAccessToken } from '@gatehouse/tokens';
import type { BodyPool } from './body-pool.ts';
import type { CatalogCache } from './catalog-cache.ts';
import type { FeedAudience, SubscriberLifecycle } from './feed-model.ts';
import { assembleFeed, type FeedTemplateCache } from './feed-template.ts';

/** A subscriber's access as the feeds need it (from the access snapshot rules, see adapters). */
export interface SubscriberFeedAccess {
  tenantId: string;
  subscriberId: string;
  generation: number;
  plans: readonly { planId: string; until: number | null }[];
  lifecycle: SubscriberLifecycle;
  /** Unix ms: newest change of anything above (subscriptions, credential, grants). */
  changedAt: number;
  /** Grants of the subscriber's plans when the store read them in the same query (saves a round trip). */
  grants?: readonly PlanGrantView[];
}

export interface PlanGrantView {
  planId: string;
  tenantId: string;
  showIds: readonly string[];
  episodeIds: readonly string[];
  /** Unix ms of the newest grant row. */
  changedAt: number;
}

export interface AccessStore {
  /**
   * `atLeastGeneration`: the generation of a verified token being served; a cached record older than it
   * is stale and is read again.
   */
  loadSubscriberAccess(
    subscriberId: string,
    atLeastGeneration?: number,
  ): Promise<SubscriberFeedAccess | undefined>;
  loadPlanGrants(planIds: readonly string[]): Promise<PlanGrantView[]>;
}

/** Identity the edge's auth_request put into X-Gatehouse-* headers (undefined: header absent). */
export interface EdgeIdentity {
  tenantId: string | undefined;
  subscriberId: string | undefined;
  generation: string | undefined;
}

export interface RenderedFeed {
  /** Builds the body (identity encoding); not called for a 304 or a memoised gzip answer. */
  body: (pool?: BodyPool) => Buffer;
  byteLength: number;
  etag: string;
  lastModified: number;
  itemCount: number;
}

export interface FeedServiceDeps {
  keyring: Keyring;
  catalogs: CatalogCache;
  templates: FeedTemplateCache;
  access: AccessStore;
  baseUrl: string;
  now?: () => number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function createFeedService(deps: FeedServiceDeps) {
  const now = deps.now ?? Date.now;
  const ctx = { baseUrl: deps.baseUrl };
  // Apps poll the same URL again and again: remember tokens that verified (the keyring is fixed for
  // the process), so the HMAC runs once per token, not per poll. Failures are never remembered, and
  // the claims are still checked against the current access record (generation) on every request.
  const verifiedTokens = new BoundedCache<string, AccessClaims>({ maxEntries: 50_000 });
  const verify = (token: string): AccessClaims | undefined => {
    const known = verifiedTokens.get(token);
    if (known) return known;
    const verified = verifyAccessToken(deps.keyring, token);
    if (!verified.ok) return undefined;
    verifiedTokens.set(token, verified.claims);
    return verified.claims;
  };

  return {
    async publicFeed(tenantSlug: string, showSlug: string): Promise<RenderedFeed> {
      let showId = await deps.catalogs.resolveSlug(tenantSlug, showSlug);
      let catalog = showId ? await deps.catalogs.get(showId) : undefined;
      if (catalog && (catalog.show.tenantSlug !== tenantSlug || catalog.show.slug !== showSlug)) {
        // The slug moved since we cached it: resolve again, once.
        deps.catalogs.clear();
        showId = await deps.catalogs.resolveSlug(tenantSlug, showSlug);
        catalog = showId ? await deps.catalogs.get(showId) : undefined;
      }
      if (!catalog) throw errors.notFound('show');
      const at = now();
      const template = deps.templates.get(catalog, { kind: 'public' }, ctx, at);
      const { body, byteLength, etag } = assembleFeed(template, undefined);
      return { body, byteLength, etag, lastModified: template.lastModified, itemCount: template.itemCount };
    },

    /**
     * The private feed. The edge already asked auth (auth_request) and forwarded the identity; we
     * verify the token again ourselves and require both to agree, so a request that bypassed the
     * edge, or an edge misconfiguration that forwards client headers, cannot read another feed.
     */
    async privateFeed(token: string, showId: string, identity: EdgeIdentity): Promise<RenderedFeed> {
      const claims = verify(token);
      if (!claims) throw errors.invalidToken();
      if (
        identity.tenantId === undefined ||
        identity.subscriberId === undefined ||
        identity.generation === undefined
      ) {
        throw errors.unauthenticated('private feeds are served only behind the edge authorization');
      }
      if (
        identity.tenantId !== claims.tenantId ||
        identity.subscriberId !== claims.subscriberId ||
        identity.generation !== String(claims.generation)
      ) {
        throw errors.forbidden('token does not match the authorized identity');
      }
      if (!UUID.test(showId)) throw errors.notFound('show');

      const [access, catalog] = await Promise.all([
        deps.access.loadSubscriberAccess(claims.subscriberId, claims.generation),
        deps.catalogs.get(showId),
      ]);
      if (!access || access.tenantId !== claims.tenantId) throw errors.forbidden();
      if (access.generation !== claims.generation)
        throw errors.gone('this feed link has been replaced; get the new one from your account page');
      if (!catalog || catalog.show.tenantId !== claims.tenantId) throw errors.notFound('show');

      const at = now();
      const live = access.plans
        .filter((plan) => plan.until === null || plan.until > at)
        .map((plan) => plan.planId)
        .sort();
      const liveSet = new Set(live);
      const grants =
        live.length === 0
          ? []
          : access.grants
            ? access.grants.filter((grant) => liveSet.has(grant.planId))
            : await deps.access.loadPlanGrants(live);
      let showGranted = false;
      const episodeIds = new Set<string>();
      // A plan that stopped granting (period end, grace over) changed the feed at that instant.
      let grantsChangedAt = 0;
      for (const plan of access.plans)
        if (plan.until !== null && plan.until <= at) grantsChangedAt = Math.max(grantsChangedAt, plan.until);
      for (const grant of grants) {
        if (grant.tenantId !== claims.tenantId) continue;
        if (grant.showIds.includes(showId)) showGranted = true;
        for (const id of grant.episodeIds) episodeIds.add(id);
        grantsChangedAt = Math.max(grantsChangedAt, grant.changedAt);
      }
      const audience: FeedAudience = {
        kind: 'private',
        planIds: live,
        showGranted,
        episodeIds,
        lifecycle: access.lifecycle,
      };
      const template = deps.templates.get(catalog, audience, ctx, at);
      const { body, byteLength, etag } = assembleFeed(template, token);
      return {
        body,
        byteLength,
        etag,
        lastModified: Math.max(template.lastModified, access.changedAt, grantsChangedAt),
        itemCount: template.itemCount,
      };
    },
  };
}

export type FeedService = ReturnType<typeof createFeedService>;
