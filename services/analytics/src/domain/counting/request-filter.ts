import type { EdgeRequestRecord } from '@gatehouse/contracts';
import { isBotUserAgent, isWatchOsUserAgent } from '../user-agents.ts';
import type { ByteInterval } from './byte-intervals.ts';

/** Why a record does not count towards a download (a metric label, and the unit tests' language). */
export type DropReason =
  | 'not-media' // feed fetches say nothing about listening
  | 'not-get' // HEAD and other methods transfer no audio
  | 'status' // 304, denials, errors, 416…: only 200/206 deliver audio
  | 'no-identity' // auth did not grant it (no tenant/episode)
  | 'probe' // `Range: bytes=0-1` (Apple's capability check)
  | 'empty' // no body byte sent
  | 'bot' // known or self-declared bot
  | 'watch'; // Apple watchOS: duplicates of the paired phone's download

export interface MediaRequest {
  /** Null for public media: auth's public decision names no tenant; the episode's row does. */
  tenantId: string | null;
  episodeId: string;
  subscriberId: string | null;
  /** How auth granted it (public, early_access, lifecycle, plan). */
  via: string | null;
  /** The counting window: the UTC day of the address salt. */
  day: string;
  /** Bytes the client received from this response. */
  bytes: ByteInterval;
}

export type Classified = { counts: true; request: MediaRequest } | { counts: false; reason: DropReason };

const PROBE = /^bytes=0-1$/;
const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+|\*)$/;
const RANGE_START = /^bytes=(\d+)-/;

/**
 * Bytes a response delivered: from its Content-Range start (206), else from the Range start, else
 * from 0 (200), for as many bytes as nginx says it sent — a request cut off half-way covers only
 * what arrived.
 */
function deliveredBytes(record: EdgeRequestRecord): ByteInterval {
  let start = 0;
  let last = Number.POSITIVE_INFINITY;
  const contentRange = record.contentRange ? CONTENT_RANGE.exec(record.contentRange) : null;
  if (contentRange) {
    start = Number(contentRange[1]);
    last = Number(contentRange[2]);
  } else if (record.status === 206 && record.range) {
    start = Number(RANGE_START.exec(record.range)?.[1] ?? 0);
  }
  return [start, Math.min(start + record.bytesSent, last + 1)];
}

const drop = (reason: DropReason): Classified => ({ counts: false, reason });

/** The IAB filters, in order, on one edge record. Pure: depends on the record only. */
export function classifyRecord(record: EdgeRequestRecord): Classified {
  if (record.kind === 'feed') return drop('not-media');
  if (record.method !== 'GET') return drop('not-get');
  if (record.status !== 200 && record.status !== 206) return drop('status');
  if (!record.episodeId || (!record.tenantId && record.kind !== 'public')) return drop('no-identity');
  if (record.range && PROBE.test(record.range.trim())) return drop('probe');
  if (record.bytesSent <= 0) return drop('empty');
  if (isWatchOsUserAgent(record.userAgent)) return drop('watch');
  if (isBotUserAgent(record.userAgent)) return drop('bot');
  const bytes = deliveredBytes(record);
  if (bytes[1] <= bytes[0]) return drop('empty');
  return {
    counts: true,
    request: {
      tenantId: record.tenantId,
      episodeId: record.episodeId,
      subscriberId: record.subscriberId,
      via: record.via,
      day: record.saltDay,
      bytes,
    },
  };
}
