import { isUniqueViolation, type PrismaClient } from '@gatehouse/db';
import { type ShowsRepository, showSlugTaken } from '../domain/shows.service.ts';
import { pageArgs, toPage } from './cursor-page.ts';

const slugTakenIfUnique = (error: unknown) => (isUniqueViolation(error) ? showSlugTaken() : error);

/** Shows in Postgres; a show row is the domain's Show (plus its tenant). */
export function createShowsRepository(prisma: PrismaClient): ShowsRepository {
  return {
    create: (tenantId, show) =>
      prisma.show.create({ data: { ...show, tenantId } }).catch((error: unknown) => {
        throw slugTakenIfUnique(error);
      }),
    list: async (tenantId, page) =>
      toPage(await prisma.show.findMany({ where: { tenantId }, ...pageArgs(page) }), page, (row) => row),
    find: async (tenantId, showId) =>
      (await prisma.show.findFirst({ where: { id: showId, tenantId } })) ?? undefined,
    async update(tenantId, showId, changes) {
      try {
        const [updated] = await prisma.show.updateManyAndReturn({
          where: { id: showId, tenantId },
          data: changes,
        });
        return updated;
      } catch (error) {
        throw slugTakenIfUnique(error);
      }
    },
    countLiveEpisodes: (showId) => prisma.episode.count({ where: { showId, status: { not: 'removed' } } }),
    async delete(tenantId, showId) {
      await prisma.show.deleteMany({ where: { id: showId, tenantId } });
    },
  };
}
