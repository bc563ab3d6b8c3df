import { createCustomDomainsRepository } from './custom-domains.repository.ts';
import { createEpisodesRepository, type EpisodesRepositoryDeps } from './episodes.repository.ts';
import { createPublicFilesRepository } from './public-files.repository.ts';
import { createShowsRepository } from './shows.repository.ts';
import { createUploadsRepository } from './uploads.repository.ts';

/** Every Postgres repository of the media service, on one Prisma client. */
export function createRepositories(deps: EpisodesRepositoryDeps) {
  const episodes = createEpisodesRepository(deps);
  return {
    shows: createShowsRepository(deps.prisma),
    episodes,
    uploads: createUploadsRepository(deps.prisma, episodes),
    domains: createCustomDomainsRepository(deps.prisma),
    publicFiles: createPublicFilesRepository(deps.prisma, episodes),
  };
}
