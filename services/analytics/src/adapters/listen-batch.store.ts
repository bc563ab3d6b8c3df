import type { EdgeRequestRecord } from '@gatehouse/contracts';
import type { PrismaClient } from '@gatehouse/db';
import {
  type ByteInterval,
  countBatch,
  type DropCounts,
  filterBatch,
  type ListenState,
  listenId,
} from '../domain/counting/index.ts';
import type { EpisodeMediaLookup } from './episode-media.repository.ts';
import type { TierLookup } from './subscriber-tiers.repository.ts';

/** One stream message: its JetStream stream sequence and its record (null: failed validation). */
export interface SequencedRecord {
  seq: number;
  record: EdgeRequestRecord | null;
}

export interface AppliedBatch {
  /** Messages at or below the stored cursor (already applied before a redelivery or restart). */
  skipped: number;
  /** Records that failed validation (counted as such, never block the stream). */
  invalid: number;
  downloads: number;
  dropped: DropCounts;
  /** The cursor after the batch. */
  lastSeq: number;
}

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

interface StateRow {
  tenant_id: string;
  episode_id: string;
  day: string;
  listener_key: string;
  app: string;
  tier: string;
  threshold_bytes: bigint;
  covered: [number, number][];
  first_at: Date;
  counted_at: Date | null;
}

const toState = (row: StateRow): ListenState => ({
  tenantId: row.tenant_id,
  episodeId: row.episode_id,
  day: row.day,
  listenerKey: row.listener_key,
  app: row.app,
  tier: row.tier,
  thresholdBytes: Number(row.threshold_bytes),
  covered: row.covered.map(([s, e]): ByteInterval => [s, e]),
  firstAt: row.first_at.toISOString(),
  countedAt: row.counted_at?.toISOString() ?? null,
});

async function lockCursor(tx: Tx, consumer: string): Promise<number> {
  await tx.$executeRaw`INSERT INTO analytics_cursors (consumer, stream_seq) VALUES (${consumer}, 0) ON CONFLICT DO NOTHING`;
  const [row] = await tx.$queryRaw<{ stream_seq: bigint }[]>`
    SELECT stream_seq FROM analytics_cursors WHERE consumer = ${consumer} FOR UPDATE`;
  return Number(row?.stream_seq ?? 0);
}

async function loadStates(tx: Tx, ids: string[]): Promise<Map<string, ListenState>> {
  const states = new Map<string, ListenState>();
  if (ids.length === 0) return states;
  const parts = ids.map((id) => id.split('|'));
  const rows = await tx.$queryRaw<StateRow[]>`
    SELECT l.tenant_id::text, l.episode_id::text, to_char(l.day, 'YYYY-MM-DD') AS day, l.listener_key, l.app,
           l.tier, l.threshold_bytes, l.covered, l.first_at, l.counted_at
      FROM analytics_listens l
      JOIN unnest(${parts.map((p) => p[0])}::uuid[], ${parts.map((p) => p[1])}::date[], ${parts.map((p) => p[2])}::text[])
           AS k(episode_id, day, listener_key)
        ON l.episode_id = k.episode_id AND l.day = k.day AND l.listener_key = k.listener_key`;
  for (const row of rows) states.set(listenId(row.episode_id, row.day, row.listener_key), toState(row));
  return states;
}

async function writeStates(tx: Tx, states: ListenState[]): Promise<void> {
  if (states.length === 0) return;
  const col = <T>(pick: (s: ListenState) => T) => states.map(pick);
  await tx.$executeRaw`
    INSERT INTO analytics_listens
      (tenant_id, episode_id, day, listener_key, app, tier, threshold_bytes, covered, first_at, counted_at)
    SELECT t, e, d, k, a, r, b, c::jsonb, f, n
      FROM unnest(${col((s) => s.tenantId)}::uuid[], ${col((s) => s.episodeId)}::uuid[], ${col((s) => s.day)}::date[],
                  ${col((s) => s.listenerKey)}::text[], ${col((s) => s.app)}::text[], ${col((s) => s.tier)}::text[],
                  ${col((s) => s.thresholdBytes)}::bigint[], ${col((s) => JSON.stringify(s.covered))}::text[],
                  ${col((s) => s.firstAt)}::timestamptz[], ${col((s) => s.countedAt)}::timestamptz[])
           AS x(t, e, d, k, a, r, b, c, f, n)
    ON CONFLICT (episode_id, day, listener_key)
    DO UPDATE SET covered = EXCLUDED.covered, counted_at = EXCLUDED.counted_at`;
}

/**
 * Applies a batch of stream messages in ONE transaction together with the last applied stream
 * sequence: either all of it and the cursor move, or nothing. Messages at or below the cursor
 * were applied before (redelivery after a lost ack, a restart) and are skipped, so the counts
 * are exact however often JetStream delivers.
 */
export function createListenBatchStore(deps: {
  prisma: PrismaClient;
  consumer: string;
  media: EpisodeMediaLookup;
  tiers: TierLookup;
}) {
  const { prisma, consumer } = deps;
  return {
    async apply(batch: readonly SequencedRecord[]): Promise<AppliedBatch> {
      const ordered = [...batch].sort((a, b) => a.seq - b.seq);
      // Lookups of Postgres reference data happen before the transaction keeps a connection busy.
      const records = ordered.flatMap((m) => (m.record ? [m.record] : []));
      const early = filterBatch(records);
      await deps.media.prefetch(early.countable.map((c) => c.request.episodeId));
      await deps.tiers.prefetch(
        early.countable.flatMap((c) => (c.request.subscriberId ? [c.request.subscriberId] : [])),
      );

      return prisma.$transaction(
        async (tx) => {
          const cursor = await lockCursor(tx, consumer);
          const fresh = ordered.filter((m) => m.seq > cursor);
          // Usually nothing was applied before; after a redelivery only the fresh part is counted.
          const freshRecords =
            fresh.length === ordered.length ? records : fresh.flatMap((m) => (m.record ? [m.record] : []));
          const { countable, dropped } = freshRecords === records ? early : filterBatch(freshRecords);
          const stored = await loadStates(tx, [...new Set(countable.map((c) => c.id))]);
          const outcome = countBatch(countable, {
            media: (id) => deps.media.get(id),
            tier: (id, via) => deps.tiers.get(id, via),
            stored: (id) => stored.get(id),
          });
          await writeStates(tx, [...outcome.changed.values()]);
          const lastSeq = fresh.at(-1)?.seq ?? cursor;
          if (lastSeq > cursor) {
            await tx.$executeRaw`
              UPDATE analytics_cursors SET stream_seq = ${lastSeq}, updated_at = now() WHERE consumer = ${consumer}`;
          }
          return {
            skipped: ordered.length - fresh.length,
            invalid: fresh.length - freshRecords.length,
            downloads: outcome.downloads,
            dropped,
            lastSeq,
          };
        },
        { timeout: 120_000, maxWait: 30_000 },
      );
    },
  };
}

export type ListenBatchStore = ReturnType<typeof createListenBatchStore>;
