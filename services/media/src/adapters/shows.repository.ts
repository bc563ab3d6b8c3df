import { isUniqueViolation, type Prisma, type PrismaClient } from '@gatehouse/db';
import { type Show, type ShowsRepository, showSlugTaken } from '../domain/shows.service.ts';
import { pageArgs, toPage } from './cursor-page.ts';
import { toPublicFile } from './public-files.repository.ts';

const include = { artwork: true } as const;
type ShowRow = Prisma.ShowGetPayload<{ include: typeof include }>;
const toShow = ({ artwork, ...row }: ShowRow): Show => ({
  ...row,
  artwork: artwork && toPublicFile(artwork),
});

const slugTakenIfUnique = (error: unknown) => (isUniqueViolation(error) ? showSlugTaken() : error);

/** Shows in Postgres; a show row is the domain's Show (plus its tenant). */
export function createShowsRepository(prisma: PrismaClient): ShowsRepository {
  return {
    create: (tenantId, show) =>
      prisma.show.create({ data: { ...show, tenantId }, include }).then(toShow, (error: unknown) => {
        throw slugTakenIfUnique(error);
      }),
    list: async (tenantId, page) =>
      toPage(await prisma.show.findMany({ where: { tenantId }, include, ...pageArgs(page) }), page, toShow),
    async find(tenantId, showId) {
      const row = await prisma.show.findFirst({ where: { id: showId, tenantId }, include });
      return row ? toShow(row) : undefined;
    },
    async update(tenantId, showId, changes) {
      try {
        const { count } = await prisma.show.updateMany({ where: { id: showId, tenantId }, data: changes });
        if (count === 0) return undefined;
      } catch (error) {
        throw slugTakenIfUnique(error);
      }
      return toShow(await prisma.show.findUniqueOrThrow({ where: { id: showId }, include }));
    },
    countLiveEpisodes: (showId) => prisma.episode.count({ where: { showId, status: { not: 'removed' } } }),
    async delete(tenantId, showId) {
      await prisma.show.deleteMany({ where: { id: showId, tenantId } });
    },
  };
}
