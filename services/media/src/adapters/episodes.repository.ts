import { randomUUID } from 'node:crypto';
import { episodeAccessStateOf } from '@gatehouse/access-snapshot';
import type { Prisma, PrismaClient } from '@gatehouse/db';
import { errors } from '@gatehouse/errors';
import type { Logger } from '@gatehouse/logging';
import { enqueueEvent } from '@gatehouse/outbox';
import { type EpisodeAccessState, episodeEventSubject, toEpisodePolicy } from '../domain/episode-policy.ts';
import type { EpisodePolicyPublisher } from './episode-policy.publisher.ts';

export const episodeInclude = { currentMediaAsset: true } as const;
export type EpisodeRow = Prisma.EpisodeGetPayload<{ include: typeof episodeInclude }>;

export const toAccessState = (row: EpisodeRow): EpisodeAccessState => episodeAccessStateOf(row);

export interface EpisodesRepositoryDeps {
  prisma: PrismaClient;
  policies: EpisodePolicyPublisher;
  /** Wakes the outbox relay after a commit that enqueued an event. */
  notifyOutbox: () => void;
  logger: Logger;
}

/**
 * Episode reads and writes, always scoped by tenant. Every change runs in one transaction that locks
 * the row, bumps `version`, and enqueues the media event with the resulting EpisodePolicy; after the
 * commit the policy is written through to Redis (putIfNewer on that version).
 */
export function createEpisodesRepository(deps: EpisodesRepositoryDeps) {
  const { prisma } = deps;

  async function get(tenantId: string, episodeId: string): Promise<EpisodeRow> {
    const row = await prisma.episode.findFirst({
      where: { id: episodeId, tenantId },
      include: episodeInclude,
    });
    if (!row) throw errors.notFound('episode');
    return row;
  }

  async function change(
    tenantId: string,
    episodeId: string,
    decide: (
      tx: Prisma.TransactionClient,
      current: EpisodeRow,
    ) => Promise<Prisma.EpisodeUncheckedUpdateInput>,
  ): Promise<EpisodeRow> {
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
      const policy = toEpisodePolicy(toAccessState(row));
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
    return row;
  }

  return {
    get,
    change,
    async list(tenantId: string, showId: string, page: { limit: number; cursor?: string | undefined }) {
      const rows = await prisma.episode.findMany({
        where: { tenantId, showId },
        include: episodeInclude,
        orderBy: { id: 'asc' },
        take: page.limit + 1,
        ...(page.cursor ? { cursor: { id: page.cursor }, skip: 1 } : {}),
      });
      const items = rows.slice(0, page.limit);
      return { items, nextCursor: rows.length > page.limit ? (items.at(-1)?.id ?? null) : null };
    },
    async create(
      tenantId: string,
      showId: string,
      data: Omit<Prisma.EpisodeUncheckedCreateInput, 'tenantId' | 'showId'>,
    ) {
      const show = await prisma.show.findFirst({ where: { id: showId, tenantId }, select: { id: true } });
      if (!show) throw errors.notFound('show');
      return prisma.episode.create({ data: { ...data, tenantId, showId }, include: episodeInclude });
    },
  };
}

export type EpisodesRepository = ReturnType<typeof createEpisodesRepository>;
