import { randomUUID } from 'node:crypto';
import { episodeAccessStateOf } from '@gatehouse/access-snapshot';
import { isUniqueViolation, type Prisma, type PrismaClient } from '@gatehouse/db';
import { errors } from '@gatehouse/errors';
import type { Logger } from '@gatehouse/logging';
import { enqueueEvent } from '@gatehouse/outbox';
import { episodeEventSubject, toEpisodePolicy } from '../domain/episode-policy.ts';
import { type Episode, type EpisodesRepository, episodeGuidTaken } from '../domain/episodes.service.ts';
import { pageArgs, toPage } from './cursor-page.ts';
import type { EpisodePolicyPublisher } from './episode-policy.publisher.ts';
import { toPublicFile } from './public-files.repository.ts';

const episodeInclude = { currentMediaAsset: true, transcriptFile: true, chaptersFile: true } as const;
/** An episode row with its current media asset and public files (`include: episodeInclude`). */
type EpisodeRow = Prisma.EpisodeGetPayload<{ include: typeof episodeInclude }>;

/** Row → domain episode: the current asset's size as a number (bytes fit in 2^53). */
function toEpisode({ currentMediaAsset: asset, transcriptFile, chaptersFile, ...row }: EpisodeRow): Episode {
  return {
    ...row,
    transcriptFile: transcriptFile && toPublicFile(transcriptFile),
    chaptersFile: chaptersFile && toPublicFile(chaptersFile),
    currentMediaAsset: asset && {
      id: asset.id,
      objectKey: asset.objectKey,
      contentType: asset.contentType,
      byteSize: Number(asset.byteSize ?? 0n),
      durationSeconds: asset.durationSeconds,
      status: asset.status,
    },
  };
}

export interface EpisodesRepositoryDeps {
  prisma: PrismaClient;
  policies: EpisodePolicyPublisher;
  /** Wakes the outbox relay after a commit that enqueued an event. */
  notifyOutbox: () => void;
  logger: Logger;
}

/** The change of one episode inside its transaction: what the uploads adapter writes alongside. */
export type EpisodeRowChange = (
  tx: Prisma.TransactionClient,
  current: EpisodeRow,
) => Promise<Prisma.EpisodeUncheckedUpdateInput>;

export interface PrismaEpisodesRepository extends EpisodesRepository {
  /** `change` with the transaction at hand, for adapters that write other rows in the same change. */
  changeInTransaction(tenantId: string, episodeId: string, decide: EpisodeRowChange): Promise<Episode>;
}

/**
 * Episode reads and writes, always scoped by tenant. Every change runs in one transaction that locks
 * the row, bumps `version`, and enqueues the media event with the resulting EpisodePolicy; after the
 * commit the policy is written through to Redis (putIfNewer on that version).
 */
export function createEpisodesRepository(deps: EpisodesRepositoryDeps): PrismaEpisodesRepository {
  const { prisma } = deps;

  async function changeInTransaction(tenantId: string, episodeId: string, decide: EpisodeRowChange) {
    const { row, policy } = await prisma.$transaction(async (tx) => {
      // The row lock serialises concurrent changes of one episode, so versions are gap-free and ordered.
      const locked = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM episodes WHERE id = ${episodeId}::uuid AND tenant_id = ${tenantId}::uuid FOR UPDATE`;
      if (locked.length === 0) throw errors.notFound('episode');
      const current = await tx.episode.findUniqueOrThrow({
        where: { id: episodeId },
        include: episodeInclude,
      });
      const data = await decide(tx, current);
      const row = await tx.episode.update({
        where: { id: episodeId },
        data: { ...data, version: { increment: 1 } },
        include: episodeInclude,
      });
      const policy = toEpisodePolicy(episodeAccessStateOf(row));
      await enqueueEvent(tx, episodeEventSubject(current.status, row.status), {
        eventId: randomUUID(),
        occurredAt: new Date().toISOString(),
        policy,
      });
      return { row, policy };
    });
    deps.notifyOutbox();
    try {
      await deps.policies.publish(policy);
    } catch (error) {
      deps.logger.warn(
        { err: error, episodeId },
        'episode policy write-through failed; the outbox event will carry it',
      );
    }
    return toEpisode(row);
  }

  async function showOf(tenantId: string, showId: string) {
    const show = await prisma.show.findFirst({ where: { id: showId, tenantId }, select: { id: true } });
    if (!show) throw errors.notFound('show');
    return show.id;
  }

  return {
    async get(tenantId, episodeId) {
      const row = await prisma.episode.findFirst({
        where: { id: episodeId, tenantId },
        include: episodeInclude,
      });
      if (!row) throw errors.notFound('episode');
      return toEpisode(row);
    },
    changeInTransaction,
    change: (tenantId, episodeId, decide) =>
      changeInTransaction(tenantId, episodeId, async (_tx, current) => decide(toEpisode(current))),
    async list(tenantId, showId, page) {
      const rows = await prisma.episode.findMany({
        where: { tenantId, showId: await showOf(tenantId, showId) },
        include: episodeInclude,
        ...pageArgs(page),
      });
      return toPage(rows, page, toEpisode);
    },
    async create(tenantId, showId, episode) {
      const data = { ...episode, tenantId, showId: await showOf(tenantId, showId) };
      try {
        return toEpisode(await prisma.episode.create({ data, include: episodeInclude }));
      } catch (error) {
        throw isUniqueViolation(error) ? episodeGuidTaken() : error;
      }
    },
  };
}
