import { createHash } from 'node:crypto';
import type { EdgeRequestRecord } from '@gatehouse/contracts';
import { appOf } from '../user-agents.ts';
import { addInterval, coveredBytes } from './byte-intervals.ts';
import { downloadThreshold, type EpisodeMedia } from './download-threshold.ts';
import { type ListenState, listenId } from './listen-state.ts';
import { classifyRecord, type DropReason, type MediaRequest } from './request-filter.ts';

/**
 * The unique listener of a day: the shipper's salted address hash (IPv6 already reduced to /64)
 * plus the user agent, hashed again so the stored key reveals neither.
 */
export function listenerKeyOf(ipHash: string, userAgent: string): string {
  return createHash('sha256').update(ipHash).update('\n').update(userAgent).digest('hex');
}

/** What the counter reads besides the records: prefetched by the caller for a batch. */
export interface CountingLookups {
  media(episodeId: string): EpisodeMedia | undefined;
  /** The tier: the subscriber's plan id, else how auth granted it (`public`, `early_access`…). */
  tier(subscriberId: string | null, via: string | null): string;
  /** Stored state of a listen not yet in `states` (the adapter loaded it for the batch). */
  stored(id: string): ListenState | undefined;
}

export interface BatchOutcome {
  /** Listens created or changed by the batch, to write back. */
  changed: Map<string, ListenState>;
  /** Downloads the batch completed. */
  downloads: number;
  /** Records of episodes no tenant could be found for (deleted episodes of public media). */
  orphans: number;
}

export type DropCounts = Partial<Record<DropReason, number>>;

/** A record that passed the filters, with the key of the listen it belongs to. */
export interface CountableRecord {
  record: EdgeRequestRecord;
  request: MediaRequest;
  id: string;
}

/**
 * Runs the filters; returns the records that count and tallies the rest by reason. A listener's
 * requests come in runs (an app's chain of ranges), so each distinct address hash + user agent is
 * hashed into its listener key once per batch, not once per record.
 */
export function filterBatch(records: readonly EdgeRequestRecord[]): {
  countable: CountableRecord[];
  dropped: DropCounts;
} {
  const out: CountableRecord[] = [];
  const dropped: DropCounts = {};
  const keys = new Map<string, string>();
  for (const record of records) {
    const verdict = classifyRecord(record);
    if (!verdict.counts) {
      dropped[verdict.reason] = (dropped[verdict.reason] ?? 0) + 1;
      continue;
    }
    const { request } = verdict;
    // A newline is in neither part (hex hash; header values cannot hold one), so keys cannot collide.
    const seen = `${record.ipHash}\n${record.userAgent}`;
    let key = keys.get(seen);
    if (key === undefined) {
      key = listenerKeyOf(record.ipHash, record.userAgent);
      keys.set(seen, key);
    }
    out.push({ record, request, id: listenId(request.episodeId, request.day, key) });
  }
  return { countable: out, dropped };
}

/** The first request of a listener for an episode on a day; undefined when no tenant is known. */
function newListen(
  record: EdgeRequestRecord,
  request: MediaRequest,
  id: string,
  lookups: CountingLookups,
): ListenState | undefined {
  const media = lookups.media(request.episodeId);
  const tenantId = request.tenantId ?? media?.tenantId ?? null;
  if (!tenantId) return undefined;
  return {
    tenantId,
    episodeId: request.episodeId,
    day: request.day,
    listenerKey: id.slice(id.lastIndexOf('|') + 1),
    app: appOf(record.userAgent),
    tier: lookups.tier(request.subscriberId, request.via),
    thresholdBytes: downloadThreshold(media, record.objectSize),
    covered: [],
    firstAt: record.at,
    countedAt: null,
  };
}

/**
 * Applies records, in stream order, to the listens they belong to. Depends only on the records,
 * their order and the lookups — never on the clock — so a replay from the stream start gives the
 * same numbers. A listen counts once, when its distinct received bytes reach its threshold.
 */
export function countBatch(records: readonly CountableRecord[], lookups: CountingLookups): BatchOutcome {
  const changed = new Map<string, ListenState>();
  let downloads = 0;
  let orphans = 0;
  for (const { record, request, id } of records) {
    const state = changed.get(id) ?? lookups.stored(id) ?? newListen(record, request, id, lookups);
    if (!state) {
      orphans += 1;
      continue;
    }
    if (state.countedAt) continue;
    const covered = addInterval(state.covered, request.bytes);
    const done = coveredBytes(covered) >= state.thresholdBytes;
    if (done) downloads += 1;
    changed.set(id, { ...state, covered: done ? [] : covered, countedAt: done ? record.at : null });
  }
  return { changed, downloads, orphans };
}
