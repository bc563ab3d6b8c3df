import type { ByteInterval } from './byte-intervals.ts';

/** One listener × episode × counting day: the bytes received so far, and whether it is a download. */
export interface ListenState {
  tenantId: string;
  episodeId: string;
  day: string;
  listenerKey: string;
  app: string;
  tier: string;
  thresholdBytes: number;
  /** Disjoint sorted intervals; emptied once counted (nothing more is needed). */
  covered: ByteInterval[];
  firstAt: string;
  /** `at` of the record that completed the threshold; null while not a download. */
  countedAt: string | null;
}

export const listenId = (episodeId: string, day: string, listenerKey: string) =>
  `${episodeId}|${day}|${listenerKey}`;
