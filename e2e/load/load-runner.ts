import { Pool } from 'undici';
import {
  type FixtureEpisode,
  type FixtureSubscriber,
  feedPath,
  type LoadFixture,
  mediaPath,
} from './load-fixture.ts';
import { type Expectation, LoadStats } from './load-stats.ts';

/**
 * The Node load generator behind `run.ts` (and the resilience suite): the same scenarios as the
 * k6 scripts in `k6/`, over one undici pool with a bounded number of keep-alive connections.
 * Every run is bounded by requests and by time; each in-flight session finishes its current
 * request and stops.
 *
 * Scenarios (podcast-app request patterns):
 * - `release-spike`: every subscriber fetches the new episode once: `Range: bytes=0-1` probe
 *   (Apple's check), then sequential ranged reads of `chunkBytes` to the end of the file.
 * - `feed-poll`: every subscriber polls its private feed; after the first answer with a
 *   conditional GET (`If-None-Match`), as apps do hourly.
 * - `mixed`: sessions drawn at random, `spikeShare` of them release-spike, the rest feed-poll.
 */
export type ScenarioName = 'release-spike' | 'feed-poll' | 'mixed';

export interface RunOptions {
  scenario: ScenarioName;
  /** TCP connections to the edge (= concurrent sessions). */
  connections: number;
  maxRequests: number;
  durationMs: number;
  /** Sessions per subscriber (a spike is one; polling repeats). */
  rounds: number;
  chunkBytes: number;
  spikeShare: number;
  /** Episode fetched in the spike (index into fixture.episodes; -1 spreads over all). */
  episodeIndex: number;
  requestTimeoutMs: number;
  /** Called after every request (resilience tests watch statuses live). */
  onObservation?: (step: string, status: number, expect: Expectation) => void;
  signal?: AbortSignal;
}

export const DEFAULT_RUN: Omit<RunOptions, 'scenario'> = {
  connections: 32,
  maxRequests: 20_000,
  durationMs: 60_000,
  rounds: 1,
  chunkBytes: 1024 * 1024,
  spikeShare: 0.2,
  episodeIndex: 0,
  requestTimeoutMs: 10_000,
};

export interface RunResult {
  stats: LoadStats;
  /** Distinct (objectKey or episodeId, slice index) a granted request read: the cold origin fetches. */
  touchedSlices: Map<string, Set<number>>;
}

interface Session {
  subscriber: FixtureSubscriber;
  kind: 'spike' | 'poll';
  episode: FixtureEpisode;
  showId: string | undefined;
}

export async function runLoad(fixture: LoadFixture, options: RunOptions): Promise<RunResult> {
  const stats = new LoadStats();
  const touchedSlices = new Map<string, Set<number>>();
  const etags = new Map<string, string>();
  const pool = new Pool(fixture.edgeUrl, {
    connections: options.connections,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    headersTimeout: options.requestTimeoutMs,
    bodyTimeout: options.requestTimeoutMs,
  });
  const deadline = Date.now() + options.durationMs;
  const totalSessions = fixture.subscribers.length * options.rounds;
  let nextSession = 0;
  let issued = 0;
  let random = 0x2545f491;
  const rand = () => {
    random ^= random << 13;
    random ^= random >>> 17;
    random ^= random << 5;
    return (random >>> 0) / 2 ** 32;
  };

  const budgetLeft = () => issued < options.maxRequests && Date.now() < deadline && !options.signal?.aborted;

  const sessionAt = (index: number): Session => {
    const subscriber = fixture.subscribers[index % fixture.subscribers.length]!;
    const kind =
      options.scenario === 'release-spike'
        ? 'spike'
        : options.scenario === 'feed-poll'
          ? 'poll'
          : rand() < options.spikeShare
            ? 'spike'
            : 'poll';
    const episode =
      options.episodeIndex >= 0
        ? fixture.episodes[Math.min(options.episodeIndex, fixture.episodes.length - 1)]!
        : fixture.episodes[index % fixture.episodes.length]!;
    const showId = fixture.showIds.length ? fixture.showIds[index % fixture.showIds.length] : undefined;
    return { subscriber, kind, episode, showId };
  };

  async function send(
    step: string,
    expect: Expectation,
    path: string,
    headers: Record<string, string>,
    check?: (
      status: number,
      headers: Record<string, string | string[] | undefined>,
      bytes: number,
    ) => string | undefined,
  ): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
    issued++;
    const started = performance.now();
    let status = 0;
    let bytes = 0;
    let responseHeaders: Record<string, string | string[] | undefined> = {};
    let malformed: string | undefined;
    try {
      const response = await pool.request({ path, method: 'GET', headers, signal: options.signal });
      status = response.statusCode;
      responseHeaders = response.headers;
      for await (const chunk of response.body) bytes += (chunk as Buffer).length;
      malformed = check?.(status, responseHeaders, bytes);
    } catch {
      status = 0;
    }
    const latencyMs = performance.now() - started;
    const cache = responseHeaders['x-cache-status'];
    stats.record(
      {
        step,
        expect,
        status,
        latencyMs,
        bytes,
        cacheStatus: typeof cache === 'string' ? cache : undefined,
        malformed,
      },
      path,
    );
    options.onObservation?.(step, status, expect);
    return { status, headers: responseHeaders };
  }

  const rangeCheck =
    (start: number, end: number, size: number) =>
    (status: number, headers: Record<string, string | string[] | undefined>, bytes: number) => {
      if (status !== 206) return undefined;
      const expected = `bytes ${start}-${end}/${size}`;
      if (headers['content-range'] !== expected)
        return `content-range ${headers['content-range']} != ${expected}`;
      if (bytes !== end - start + 1) return `body ${bytes} bytes for ${expected}`;
      return undefined;
    };

  function touch(episode: FixtureEpisode, start: number, end: number) {
    const key = episode.objectKey ?? episode.episodeId;
    const set = touchedSlices.get(key) ?? new Set<number>();
    touchedSlices.set(key, set);
    for (let s = Math.floor(start / fixture.sliceBytes); s <= Math.floor(end / fixture.sliceBytes); s++)
      set.add(s);
  }

  async function spike(session: Session) {
    const { subscriber, episode } = session;
    const path = mediaPath(subscriber.token, episode);
    const size = episode.byteSize;
    const probe = await send(
      'probe',
      subscriber.expect,
      path,
      { range: 'bytes=0-1' },
      rangeCheck(0, 1, size),
    );
    if (probe.status === 206) touch(episode, 0, 1);
    // A denied app retries once with a real read; a granted one downloads the whole episode.
    const last = subscriber.expect === 'deny' || probe.status !== 206 ? 0 : size - 1;
    for (let start = 0; start <= last && budgetLeft(); start += options.chunkBytes) {
      const end = Math.min(size - 1, start + options.chunkBytes - 1);
      const read = await send(
        'range',
        subscriber.expect,
        path,
        { range: `bytes=${start}-${end}` },
        rangeCheck(start, end, size),
      );
      if (read.status === 206) touch(episode, start, end);
      if (subscriber.expect === 'deny') break;
    }
  }

  async function poll(session: Session) {
    if (!session.showId) throw new Error('feed-poll needs fixture.showIds');
    const path = feedPath(session.subscriber.token, session.showId);
    const etag = etags.get(path);
    const result = await send('feed', session.subscriber.expect, path, etag ? { 'if-none-match': etag } : {});
    const received = result.headers.etag;
    if (result.status === 200 && typeof received === 'string') etags.set(path, received);
  }

  async function worker() {
    while (budgetLeft() && nextSession < totalSessions) {
      const session = sessionAt(nextSession++);
      if (session.kind === 'spike') await spike(session);
      else await poll(session);
    }
  }

  try {
    await Promise.all(Array.from({ length: options.connections }, () => worker()));
  } finally {
    stats.endedAt = Date.now();
    await pool.close().catch(() => {});
  }
  return { stats, touchedSlices };
}
