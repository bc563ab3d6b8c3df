import { lifecycleOf, plansOf, type StripeSubscriptionStatus } from '@gatehouse/access-snapshot';
import type { PrismaClient } from '@gatehouse/db';
import type { CatalogStore } from '../domain/catalog-cache.ts';
import type { EpisodeView, ShowCatalog } from '../domain/feed-model.ts';
import type { AccessStore, PlanGrantView, SubscriberFeedAccess } from '../domain/feed-service.ts';
import { mediaFileName } from './media-file-name.ts';

const ms = (date: Date | null | undefined) => (date ? date.getTime() : 0);

/** Catalog reads: a show and its published episodes with their current, ready media. */
export function createCatalogStore(prisma: PrismaClient): CatalogStore {
  return {
    async loadCatalog(showId) {
      const show = await prisma.show.findUnique({
        where: { id: showId },
        include: {
          tenant: { select: { slug: true, name: true, status: true } },
          episodes: {
            where: { status: 'published', publishedAt: { not: null } },
            orderBy: [{ publishedAt: 'desc' }, { id: 'desc' }],
            include: { currentMediaAsset: true },
          },
        },
      });
      if (show?.tenant.status !== 'active') return undefined;
      let lastModified = ms(show.updatedAt);
      const episodes: EpisodeView[] = show.episodes.map((episode) => {
        const asset = episode.currentMediaAsset;
        const ready = asset && asset.status === 'ready' && asset.byteSize !== null;
        const updatedAt = Math.max(ms(episode.updatedAt), ms(asset?.updatedAt));
        lastModified = Math.max(lastModified, updatedAt);
        return {
          id: episode.id,
          guid: episode.guid,
          title: episode.title,
          description: episode.description,
          seasonNumber: episode.seasonNumber,
          episodeNumber: episode.episodeNumber,
          episodeType: episode.episodeType,
          visibility: episode.visibility,
          publishedAt: ms(episode.publishedAt),
          earlyAccessUntil: episode.earlyAccessUntil ? episode.earlyAccessUntil.getTime() : null,
          lifecycleKind: episode.lifecycleKind,
          transcriptUrl: episode.transcriptUrl,
          transcriptType: episode.transcriptType,
          chaptersUrl: episode.chaptersUrl,
          explicit: episode.explicit,
          updatedAt,
          media: ready
            ? {
                fileName: mediaFileName(asset.objectKey),
                contentType: asset.contentType,
                byteSize: Number(asset.byteSize),
                durationSeconds: asset.durationSeconds,
              }
            : null,
        };
      });
      const catalog: ShowCatalog = {
        show: {
          id: show.id,
          tenantId: show.tenantId,
          tenantSlug: show.tenant.slug,
          tenantName: show.tenant.name,
          slug: show.slug,
          title: show.title,
          description: show.description,
          author: show.author,
          ownerEmail: show.ownerEmail,
          imageUrl: show.imageUrl,
          language: show.language,
          itunesCategory: show.itunesCategory,
          itunesSubcategory: show.itunesSubcategory,
          explicit: show.explicit,
          websiteUrl: show.websiteUrl,
          podcastGuid: show.podcastGuid,
          listPremiumTeasers: show.listPremiumTeasers,
        },
        episodes,
        version: '',
        lastModified,
      };
      catalog.version = `${lastModified}-${episodes.length}`;
      return catalog;
    },

    async loadStamp(showId) {
      // One round trip: the newest change of the show, its episodes and their media, and counts
      // (a deleted row lowers a count even when no timestamp moves).
      const rows = await prisma.$queryRaw<{ stamp: string | null }[]>`
        SELECT concat_ws('|',
          (SELECT extract(epoch FROM s.updated_at)::text || t.status::text FROM shows s JOIN tenants t ON t.id = s.tenant_id WHERE s.id = ${showId}::uuid),
          (SELECT count(*)::text || ':' || coalesce(extract(epoch FROM max(e.updated_at))::text, '') FROM episodes e WHERE e.show_id = ${showId}::uuid),
          (SELECT count(*)::text || ':' || coalesce(extract(epoch FROM max(m.updated_at))::text, '') FROM media_assets m JOIN episodes e ON e.id = m.episode_id WHERE e.show_id = ${showId}::uuid)
        ) AS stamp
        WHERE EXISTS (SELECT 1 FROM shows WHERE id = ${showId}::uuid)`;
      return rows[0]?.stamp ?? undefined;
    },

    async resolveSlug(tenantSlug, showSlug) {
      const show = await prisma.show.findFirst({
        where: { slug: showSlug, tenant: { slug: tenantSlug } },
        select: { id: true },
      });
      return show?.id;
    },
  };
}

interface AccessRow {
  id: string;
  tenant_id: string;
  past_due_grace_seconds: number;
  tenant_status: string;
  generation: number | null;
  rotated_at: Date | null;
  credential_created_at: Date | null;
  subscriptions: {
    planId: string;
    status: StripeSubscriptionStatus;
    currentPeriodEnd: string | null;
    cancelAtPeriodEnd: boolean;
    pastDueSince: string | null;
    updatedAt: string;
  }[];
  grants: {
    planId: string;
    tenantId: string;
    showId: string | null;
    episodeId: string | null;
    createdAt: string;
  }[];
}

/** Subscriber access from Postgres, through the shared access rules (`@gatehouse/access-snapshot`). */
export function createAccessStore(prisma: PrismaClient): AccessStore {
  return {
    async loadSubscriberAccess(subscriberId): Promise<SubscriberFeedAccess | undefined> {
      // One round trip for everything a private feed request needs about its subscriber: feeds
      // are polled constantly, and several Prisma relation reads per poll cost more than the body.
      const rows = await prisma.$queryRaw<AccessRow[]>`
        SELECT s.id, s.tenant_id, t.past_due_grace_seconds, t.status::text AS tenant_status,
          c.generation, c.rotated_at, c.created_at AS credential_created_at,
          coalesce((SELECT json_agg(json_build_object(
              'planId', x.plan_id, 'status', x.status, 'currentPeriodEnd', x.current_period_end,
              'cancelAtPeriodEnd', x.cancel_at_period_end, 'pastDueSince', x.past_due_since, 'updatedAt', x.updated_at))
            FROM subscriptions x WHERE x.subscriber_id = s.id), '[]'::json) AS subscriptions,
          coalesce((SELECT json_agg(json_build_object(
              'planId', g.plan_id, 'tenantId', p.tenant_id, 'showId', g.show_id, 'episodeId', g.episode_id, 'createdAt', g.created_at))
            FROM plan_grants g JOIN plans p ON p.id = g.plan_id
            WHERE g.plan_id IN (SELECT plan_id FROM subscriptions WHERE subscriber_id = s.id)), '[]'::json) AS grants
        FROM subscribers s
        JOIN tenants t ON t.id = s.tenant_id
        LEFT JOIN access_credentials c ON c.subscriber_id = s.id
        WHERE s.id = ${subscriberId}::uuid`;
      const row = rows[0];
      if (row?.tenant_status !== 'active') return undefined;
      const date = (value: string | null) => (value === null ? null : new Date(value));
      const facts = row.subscriptions.map((x) => ({
        planId: x.planId,
        status: x.status,
        currentPeriodEnd: date(x.currentPeriodEnd),
        cancelAtPeriodEnd: x.cancelAtPeriodEnd,
        pastDueSince: date(x.pastDueSince),
      }));
      let changedAt = Math.max(ms(row.rotated_at), ms(row.credential_created_at));
      for (const x of row.subscriptions) changedAt = Math.max(changedAt, Date.parse(x.updatedAt));
      const grants = new Map<string, PlanGrantView>();
      for (const g of row.grants) {
        let view = grants.get(g.planId);
        if (!view) {
          view = { planId: g.planId, tenantId: g.tenantId, showIds: [], episodeIds: [], changedAt: 0 };
          grants.set(g.planId, view);
        }
        if (g.showId) (view.showIds as string[]).push(g.showId);
        if (g.episodeId) (view.episodeIds as string[]).push(g.episodeId);
        view.changedAt = Math.max(view.changedAt, Date.parse(g.createdAt));
      }
      return {
        tenantId: row.tenant_id,
        subscriberId: row.id,
        // No credential row yet: the column default, as the access snapshot assumes.
        generation: row.generation ?? 1,
        plans: plansOf(facts, row.past_due_grace_seconds),
        lifecycle: lifecycleOf(facts),
        changedAt,
        grants: [...grants.values()],
      };
    },

    async loadPlanGrants(planIds): Promise<PlanGrantView[]> {
      const plans = await prisma.plan.findMany({
        where: { id: { in: [...planIds] } },
        select: {
          id: true,
          tenantId: true,
          grants: { select: { showId: true, episodeId: true, createdAt: true } },
        },
      });
      return plans.map((plan) => ({
        planId: plan.id,
        tenantId: plan.tenantId,
        showIds: plan.grants.flatMap((grant) => (grant.showId ? [grant.showId] : [])),
        episodeIds: plan.grants.flatMap((grant) => (grant.episodeId ? [grant.episodeId] : [])),
        changedAt: plan.grants.reduce((max, grant) => Math.max(max, ms(grant.createdAt)), 0),
      }));
    },
  };
}
