import type { EdgeRequestRecord } from '@gatehouse/contracts';
import type pg from 'pg';
import {
  type ByteInterval,
  countBatch,
  type DropCounts,
  filterBatch,
  type ListenState,
  listenId,
} from '../domain/counting/index.ts';
import type { EpisodeMediaLookup } from './episode-media.repository.ts';
import { createListenStateCache } from './listen-state-cache.ts';
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

interface StateRow {
  cursor: string;
  tenant_id: string | null;
  episode_id: string;
  day: string;
  listener_key: string;
  app: string;
  tier: string;
  threshold_bytes: string;
  covered: [number, number][];
  first_at: string;
  counted_at: string | null;
}

const toState = (row: StateRow, tenantId: string): ListenState => ({
  tenantId,
  episodeId: row.episode_id,
  day: row.day,
  listenerKey: row.listener_key,
  app: row.app,
  tier: row.tier,
  thresholdBytes: Number(row.threshold_bytes),
  covered: row.covered.map(([s, e]): ByteInterval => [s, e]),
  firstAt: row.first_at,
  countedAt: row.counted_at,
});

const MAX_CACHED_LISTENS = 200_000;

// Timestamps come back as the ISO text the records carry (no Date objects per row).
const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/**
 * Where counting stands and the stored listens of the batch's keys, read in ONE statement (one
 * snapshot): the cursor row joined with the listens. No row: the counter has no cursor yet.
 */
async function readState(
  pool: pg.Pool,
  consumer: string,
  ids: string[],
): Promise<{ cursor: number; states: Map<string, ListenState> } | undefined> {
  const episodes: string[] = [];
  const days: string[] = [];
  const keys: string[] = [];
  for (const id of ids) {
    const [episode, day, key] = id.split('|');
    episodes.push(episode ?? '');
    days.push(day ?? '');
    keys.push(key ?? '');
  }
  const { rows } = await pool.query<StateRow>(
    `SELECT c.stream_seq::text AS cursor, l.*
       FROM analytics_cursors c
       LEFT JOIN LATERAL (
         SELECT l.tenant_id::text, l.episode_id::text, to_char(l.day, 'YYYY-MM-DD') AS day, l.listener_key,
                l.app, l.tier, l.threshold_bytes::text, l.covered,
                to_char(l.first_at AT TIME ZONE 'UTC', ${ISO}) AS first_at,
                to_char(l.counted_at AT TIME ZONE 'UTC', ${ISO}) AS counted_at
           FROM analytics_listens l
           JOIN unnest($2::uuid[], $3::date[], $4::text[]) AS k(episode_id, day, listener_key)
             ON l.episode_id = k.episode_id AND l.day = k.day AND l.listener_key = k.listener_key
       ) l ON true
      WHERE c.consumer = $1`,
    [consumer, episodes, days, keys],
  );
  const [first] = rows;
  if (!first) return undefined;
  const states = new Map<string, ListenState>();
  for (const row of rows) {
    if (row.tenant_id === null) continue; // the cursor alone: none of the keys is stored yet
    states.set(listenId(row.episode_id, row.day, row.listener_key), toState(row, row.tenant_id));
  }
  return { cursor: Number(first.cursor), states };
}

/**
 * Writes every changed listen with one set-based upsert and moves the cursor from `from` to `to`,
 * in ONE statement (one transaction) — only if the cursor still stands at `from`: every writer of
 * the counts moves the cursor in the same statement, so an unmoved cursor proves the state read
 * before is still current. False: another writer got there first; nothing was written.
 */
async function writeIfUnmoved(
  pool: pg.Pool,
  consumer: string,
  states: ListenState[],
  from: number,
  to: number,
): Promise<boolean> {
  const col = <T>(pick: (s: ListenState) => T) => states.map(pick);
  const { rows } = await pool.query<{ moved: string }>(
    `WITH moved AS (
       UPDATE analytics_cursors SET stream_seq = $12, updated_at = now()
        WHERE consumer = $11 AND stream_seq = $13
       RETURNING 1),
     written AS (
       INSERT INTO analytics_listens
         (tenant_id, episode_id, day, listener_key, app, tier, threshold_bytes, covered, first_at, counted_at)
       SELECT t, e, d, k, a, r, b, c::jsonb, f, n
         FROM unnest($1::uuid[], $2::uuid[], $3::date[], $4::text[], $5::text[], $6::text[], $7::bigint[],
                     $8::text[], $9::timestamptz[], $10::timestamptz[])
              AS x(t, e, d, k, a, r, b, c, f, n)
        WHERE EXISTS (SELECT 1 FROM moved)
       ON CONFLICT (episode_id, day, listener_key)
       DO UPDATE SET covered = EXCLUDED.covered, counted_at = EXCLUDED.counted_at
       RETURNING 1)
     SELECT (SELECT count(*) FROM moved)::text AS moved, (SELECT count(*) FROM written) AS written`,
    [
      col((s) => s.tenantId),
      col((s) => s.episodeId),
      col((s) => s.day),
      col((s) => s.listenerKey),
      col((s) => s.app),
      col((s) => s.tier),
      col((s) => s.thresholdBytes),
      col((s) => JSON.stringify(s.covered)),
      col((s) => s.firstAt),
      col((s) => s.countedAt),
      consumer,
      to,
      from,
    ],
  );
  return rows[0]?.moved === '1';
}

/**
 * Applies a batch of stream messages together with the last applied stream sequence: either all
 * of it and the cursor move, or nothing. Messages at or below the cursor were applied before (a
 * restart, a second replica) and are skipped, so the counts are exact however often the stream
 * delivers a record. At most two round trips per batch (node-postgres, not Prisma, whose
 * interactive transactions cost several statements' latency each; see BENCHMARKS.md): read the
 * cursor and the batch's listens not cached since this process's last write (listen-state-cache.ts)
 * in one statement, count in memory, then write the listens and move the cursor in one statement
 * that only takes effect if the cursor has not moved since (optimistic: a second writer makes the
 * loser read again, never write over it).
 */
export function createListenBatchStore(deps: {
  pool: pg.Pool;
  consumer: string;
  media: EpisodeMediaLookup;
  tiers: TierLookup;
  /** Listens kept in process between batches (default 200 000, a few hundred bytes each). */
  maxCachedListens?: number;
}) {
  const { pool, consumer } = deps;
  const cache = createListenStateCache(deps.maxCachedListens ?? MAX_CACHED_LISTENS);
  return {
    /** The last stream sequence applied (0 before the first batch). */
    async cursor(): Promise<number> {
      const { rows } = await pool.query<{ stream_seq: string }>(
        'SELECT stream_seq::text FROM analytics_cursors WHERE consumer = $1',
        [consumer],
      );
      return Number(rows[0]?.stream_seq ?? 0);
    },
    async apply(batch: readonly SequencedRecord[]): Promise<AppliedBatch> {
      const ordered = [...batch].sort((a, b) => a.seq - b.seq);
      // Lookups of Postgres reference data happen before the batch's own statements.
      const records = ordered.flatMap((m) => (m.record ? [m.record] : []));
      const early = filterBatch(records);
      await deps.media.prefetch(early.countable.map((c) => c.request.episodeId));
      await deps.tiers.prefetch(
        early.countable.flatMap((c) => (c.request.subscriberId ? [c.request.subscriberId] : [])),
      );
      const ids = [...new Set(early.countable.map((c) => c.id))];

      for (;;) {
        // Only the listens not cached at the current cursor are read (none at all when a batch
        // continues listeners this process wrote before); the cursor comes with them.
        const known = cache.at();
        const missing = known === undefined ? ids : ids.filter((id) => !cache.has(id));
        let cursor = known ?? 0;
        if (known === undefined || missing.length > 0) {
          const state = await readState(pool, consumer, missing);
          if (!state) {
            await pool.query(
              'INSERT INTO analytics_cursors (consumer, stream_seq) VALUES ($1, 0) ON CONFLICT DO NOTHING',
              [consumer],
            );
            continue;
          }
          if (known !== undefined && state.cursor !== known) {
            cache.clear(); // another writer moved the cursor: read every listen again
            continue;
          }
          cursor = state.cursor;
          cache.read(cursor, state.states);
        }
        const fresh = ordered.filter((m) => m.seq > cursor);
        // Usually nothing was applied before; after a restart only the fresh part is counted.
        const freshRecords =
          fresh.length === ordered.length ? records : fresh.flatMap((m) => (m.record ? [m.record] : []));
        const { countable, dropped } = freshRecords === records ? early : filterBatch(freshRecords);
        const outcome = countBatch(countable, {
          media: (id) => deps.media.get(id),
          tier: (id, via) => deps.tiers.get(id, via),
          stored: (id) => cache.get(id),
        });
        const lastSeq = fresh.at(-1)?.seq ?? cursor;
        if (lastSeq > cursor) {
          let written: boolean;
          try {
            written = await writeIfUnmoved(pool, consumer, [...outcome.changed.values()], cursor, lastSeq);
          } catch (error) {
            cache.clear(); // committed or not is unknown (a lost connection): read it back next time
            throw error;
          }
          if (!written) {
            cache.clear(); // another writer moved the cursor: read again, count only what is left
            continue;
          }
          cache.wrote(lastSeq, outcome.changed);
        }
        return {
          skipped: ordered.length - fresh.length,
          invalid: fresh.length - freshRecords.length,
          downloads: outcome.downloads,
          dropped,
          lastSeq,
        };
      }
    },
  };
}

export type ListenBatchStore = ReturnType<typeof createListenBatchStore>;
