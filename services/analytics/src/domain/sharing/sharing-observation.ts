/**
 * The fields of an edge request record (`@gatehouse/contracts` EdgeRequestRecord) sharing detection
 * reads. Structural, so the detector depends on the content of a record, never on how it travelled.
 */
export interface EdgeRecordFacts {
  id: string;
  at: string;
  kind: string;
  method: string;
  status: number;
  range: string | null;
  tenantId: string | null;
  subscriberId: string | null;
  episodeId: string | null;
  userAgent: string;
  network: string;
}

/** One served media request of one subscriber, as the detector counts it. */
export interface Observation {
  recordId: string;
  /** Record time (unix ms): the detector's only clock. */
  at: number;
  tenantId: string;
  subscriberId: string;
  network: string;
  app: string;
  episodeId: string | null;
  /** The request fetched the episode from its first byte (a download start), not a probe or a later range. */
  fromStart: boolean;
}

/** User agent → app family (the same list counting uses). */
export type AppOf = (userAgent: string) => string;

// `bytes=0-` or `bytes=0-N` with N ≥ 2: the first request of a download. `bytes=0-1` is Apple's probe.
const FROM_START = /^bytes=0-(\d*)$/;

function startsAtZero(range: string | null): boolean {
  if (range === null) return true;
  const match = FROM_START.exec(range.trim());
  if (!match) return false;
  return match[1] === '' || Number(match[1]) >= 2;
}

/**
 * Only media requests (`/m/…`, the subscriber's podcast app fetching enclosures): feed fetches come
 * from app servers (Apple's, Overcast's) and say nothing about the listener's devices or networks.
 * Only served GETs count (200/206): a denied request (401/403/410 after a reset) is not a listen, and
 * HEAD/probes are not devices fetching audio.
 */
export function observationOf(record: EdgeRecordFacts, appOf: AppOf): Observation | null {
  if (record.kind !== 'media' || record.method !== 'GET') return null;
  if (record.status !== 200 && record.status !== 206) return null;
  if (record.tenantId === null || record.subscriberId === null) return null;
  const at = Date.parse(record.at);
  if (!Number.isFinite(at)) return null;
  return {
    recordId: record.id,
    at,
    tenantId: record.tenantId,
    subscriberId: record.subscriberId,
    network: record.network,
    app: appOf(record.userAgent),
    episodeId: record.episodeId,
    fromStart: startsAtZero(record.range),
  };
}
