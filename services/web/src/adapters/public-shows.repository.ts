import type { PrismaClient } from '@gatehouse/db';
import {
  PUBLIC_EPISODE_LIMIT,
  type PublicEpisode,
  type PublicPlan,
  type PublicShowsStore,
} from '../domain/public-shows.service.ts';

interface ShowRow {
  id: string;
  slug: string;
  title: string;
  author: string;
  description: string;
  language: string;
  explicit: boolean;
  image_url: string | null;
  artwork_id: string | null;
  artwork_name: string | null;
  tenant_slug: string;
  tenant_name: string;
}

interface EpisodeRow {
  id: string;
  title: string;
  published_at: Date;
  duration_seconds: number | null;
  free: boolean;
  episode_type: PublicEpisode['episodeType'];
  season_number: number | null;
  episode_number: number | null;
}

interface PlanRow {
  id: string;
  name: string;
  description: string;
  amount: number;
  currency: string;
  interval: PublicPlan['interval'];
  trial_days: number;
}

/**
 * Postgres reads for the public show page. SQL rather than the Prisma model API because the page
 * reads columns other parts add in the same release (stored artwork `shows.artwork_file_id`, plan
 * `trial_days`/`archived_at`); three indexed queries, no subscriber data touched.
 */
export function createPublicShowsRepository(prisma: PrismaClient): PublicShowsStore {
  return {
    async findShow(tenantSlug, showSlug, now) {
      const [show] = await prisma.$queryRaw<ShowRow[]>`
        SELECT s.id, s.slug, s.title, s.author, s.description, s.language, s.explicit, s.image_url,
               f.id AS artwork_id, f.file_name AS artwork_name, t.slug AS tenant_slug, t.name AS tenant_name
        FROM shows s
        JOIN tenants t ON t.id = s.tenant_id
        LEFT JOIN public_files f ON f.id = s.artwork_file_id
        WHERE t.slug = ${tenantSlug} AND t.status = 'active' AND s.slug = ${showSlug}`;
      if (!show) return undefined;

      const episodes = await prisma.$queryRaw<EpisodeRow[]>`
        SELECT e.id, e.title, e.published_at, m.duration_seconds,
               (e.visibility = 'public' OR (e.early_access_until IS NOT NULL AND e.early_access_until <= ${now})) AS free,
               e.episode_type::text AS episode_type, e.season_number, e.episode_number
        FROM episodes e
        LEFT JOIN media_assets m ON m.id = e.current_media_asset_id
        WHERE e.show_id = ${show.id}::uuid AND e.status = 'published'
          AND e.published_at IS NOT NULL AND e.published_at <= ${now}
        ORDER BY e.published_at DESC, e.id DESC
        LIMIT ${PUBLIC_EPISODE_LIMIT}`;

      // On sale and granting this show, or one of its episodes.
      const plans = await prisma.$queryRaw<PlanRow[]>`
        SELECT p.id, p.name, p.description, p.amount, p.currency, p.interval::text AS interval, p.trial_days
        FROM plans p
        WHERE p.active AND p.archived_at IS NULL AND EXISTS (
          SELECT 1 FROM plan_grants g LEFT JOIN episodes ge ON ge.id = g.episode_id
          WHERE g.plan_id = p.id AND (g.show_id = ${show.id}::uuid OR ge.show_id = ${show.id}::uuid))
        ORDER BY p.amount, p.name, p.id`;

      // A show nobody can listen to or buy yet (just created, nothing published) is not public.
      if (episodes.length === 0 && plans.length === 0) return undefined;

      const artworkUrl = show.artwork_id
        ? `/api/v1/public/files/${show.artwork_id}/${encodeURIComponent(show.artwork_name ?? 'artwork')}`
        : show.image_url;
      return {
        tenant: { slug: show.tenant_slug, name: show.tenant_name },
        show: {
          slug: show.slug,
          title: show.title,
          author: show.author,
          description: show.description,
          artworkUrl,
          language: show.language,
          explicit: show.explicit,
        },
        episodes: episodes.map((row) => ({
          id: row.id,
          title: row.title,
          publishedAt: row.published_at.toISOString(),
          durationSeconds: row.duration_seconds,
          access: row.free ? 'free' : 'premium',
          episodeType: row.episode_type,
          seasonNumber: row.season_number,
          episodeNumber: row.episode_number,
        })),
        plans: plans.map((row) => ({
          id: row.id,
          name: row.name,
          description: row.description,
          amount: row.amount,
          currency: row.currency,
          interval: row.interval,
          trialDays: row.trial_days,
        })),
      };
    },
  };
}
