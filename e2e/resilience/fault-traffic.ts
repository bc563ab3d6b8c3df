import { Pool } from 'undici';
import { type LoadFixture, mediaPath } from '../load/load-fixture.ts';

/**
 * Steady podcast-app traffic for the resilience suite: workers cycle through the fixture's
 * subscribers, granted ones reading random ranges of the (already cached) episode, denied ones
 * (revoked, other tenant) probing `bytes=0-1`. Every answer is kept with its time so a fault's
 * window, its effect and the recovery can be read off afterwards.
 */
export interface Hit {
  at: number;
  status: number;
  expect: 'grant' | 'deny';
  cache: string | undefined;
}

export interface Traffic {
  hits: Hit[];
  stop(): Promise<void>;
}

export function startTraffic(
  fixture: LoadFixture,
  options: { connections?: number; paceMs?: number } = {},
): Traffic {
  const connections = options.connections ?? 4;
  const pool = new Pool(fixture.edgeUrl, {
    connections,
    headersTimeout: 5000,
    bodyTimeout: 5000,
    connect: { timeout: 1000 },
  });
  const episode = fixture.episodes[0]!;
  const hits: Hit[] = [];
  let running = true;
  let cursor = 0;
  const worker = async () => {
    while (running) {
      const subscriber = fixture.subscribers[cursor++ % fixture.subscribers.length]!;
      const start =
        subscriber.expect === 'grant' ? Math.floor(Math.random() * (episode.byteSize - 65536)) : 0;
      const end = subscriber.expect === 'grant' ? start + 65535 : 1;
      let status = 0;
      let cache: string | undefined;
      try {
        const response = await pool.request({
          path: mediaPath(subscriber.token, episode),
          method: 'GET',
          headers: { range: `bytes=${start}-${end}` },
        });
        status = response.statusCode;
        const header = response.headers['x-cache-status'];
        cache = typeof header === 'string' ? header : undefined;
        await response.body.dump({ limit: 1 << 20 });
      } catch {
        status = 0; // refused / reset: the edge itself is down
        await new Promise((r) => setTimeout(r, 50));
      }
      hits.push({ at: Date.now(), status, expect: subscriber.expect, cache });
      if (options.paceMs) await new Promise((r) => setTimeout(r, options.paceMs));
    }
  };
  const workers = Array.from({ length: connections }, () => worker());
  return {
    hits,
    async stop() {
      running = false;
      await Promise.all(workers);
      await pool.close().catch(() => {});
    },
  };
}

/** Status counts (`network-error` for no HTTP answer) of the hits within [from, to). */
export function statusCounts(hits: readonly Hit[], from: number, to: number, expect?: 'grant' | 'deny') {
  const counts: Record<string, number> = {};
  for (const h of hits) {
    if (h.at < from || h.at >= to || (expect && h.expect !== expect)) continue;
    const key = h.status === 0 ? 'network-error' : String(h.status);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** Status counts as a table cell: `206×4281 503×2` (— when empty). */
export const countsText = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([status, n]) => `${status}×${n}`)
    .join(' ') || '—';

/** Hits of subscribers who must be denied that got an answer granting them (2xx or 3xx). */
export const wrongGrants = (hits: readonly Hit[]) =>
  hits.filter((h) => h.expect === 'deny' && h.status >= 200 && h.status < 400).length;

export const isGood = (h: Hit) =>
  h.expect === 'grant' ? h.status === 206 || h.status === 200 : [401, 403, 404, 410].includes(h.status);

/**
 * Milliseconds from `back` (the part is healthy again) to the first hit after which every hit
 * for at least `stableMs` was as expected; 0 if nothing went wrong after `back`. Undefined when
 * the traffic never settled within the recorded hits.
 */
export function recoveryMs(hits: readonly Hit[], back: number, stableMs = 1000): number | undefined {
  const after = hits.filter((h) => h.at >= back);
  let candidate: number | undefined;
  for (const h of after) {
    if (!isGood(h)) {
      candidate = undefined;
      continue;
    }
    candidate ??= h.at;
    if (h.at - candidate >= stableMs) {
      const firstBad = after.find((x) => !isGood(x));
      return firstBad === undefined ? 0 : Math.max(0, candidate - back);
    }
  }
  return undefined;
}
