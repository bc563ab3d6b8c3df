import type { Observation } from './sharing-observation.ts';

/** When a key (network, app) was first and last seen in the window, and how many requests it made. */
export interface Seen {
  first: number;
  last: number;
  requests: number;
}

/** The alert the subscriber has open, with the counts it was raised at (the base for "grew"). */
export interface OpenAlert {
  alertId: string;
  networks: number;
  apps: number;
  episodeDownloads: number;
}

/**
 * Per-subscriber rolling window. Its clock is the newest record time seen, never the wall clock, so
 * the same records in the same order always leave the same window (replay gives the same alerts).
 */
export interface SubscriberWindow {
  clock: number;
  networks: Map<string, Seen>;
  apps: Map<string, Seen>;
  /** episode → (network + app) → last time it fetched the episode from its start. */
  starts: Map<string, Map<string, number>>;
  open: OpenAlert | null;
}

/**
 * Keys kept per map. A shared feed far past every threshold does not need more to be proven, and the
 * stored window stays small whatever the traffic; the least recently seen key goes first.
 */
export const MAX_KEYS = 256;

export const emptyWindow = (): SubscriberWindow => ({
  clock: 0,
  networks: new Map(),
  apps: new Map(),
  starts: new Map(),
  open: null,
});

function touch(map: Map<string, Seen>, key: string, at: number) {
  const seen = map.get(key);
  if (seen) {
    seen.first = Math.min(seen.first, at);
    seen.last = Math.max(seen.last, at);
    seen.requests += 1;
    return;
  }
  map.set(key, { first: at, last: at, requests: 1 });
  if (map.size > MAX_KEYS) map.delete(oldestKey(map, (value) => value.last));
}

function oldestKey<V>(map: Map<string, V>, lastOf: (value: V) => number): string {
  let oldest = '';
  let oldestAt = Number.POSITIVE_INFINITY;
  for (const [key, value] of map) {
    const at = lastOf(value);
    // Ties broken by key so eviction does not depend on insertion history.
    if (at < oldestAt || (at === oldestAt && key < oldest)) {
      oldest = key;
      oldestAt = at;
    }
  }
  return oldest;
}

/** Drops everything last seen before `clock - window`: what is left was active inside the window. */
function prune(window: SubscriberWindow, windowMs: number) {
  const horizon = window.clock - windowMs;
  for (const map of [window.networks, window.apps]) {
    for (const [key, seen] of map) if (seen.last <= horizon) map.delete(key);
  }
  for (const [episode, pairs] of window.starts) {
    for (const [pair, last] of pairs) if (last <= horizon) pairs.delete(pair);
    if (pairs.size === 0) window.starts.delete(episode);
  }
}

/** Adds one observation and slides the window to it. Records older than the window are ignored. */
export function addObservation(
  window: SubscriberWindow,
  observation: Observation,
  windowMs: number,
): boolean {
  // Records from several edge nodes arrive slightly out of order: the clock never moves back, and a
  // record already outside the window cannot change what is inside it.
  window.clock = Math.max(window.clock, observation.at);
  if (observation.at <= window.clock - windowMs) return false;
  touch(window.networks, observation.network, observation.at);
  touch(window.apps, observation.app, observation.at);
  if (observation.fromStart && observation.episodeId !== null) {
    let pairs = window.starts.get(observation.episodeId);
    if (!pairs) {
      pairs = new Map();
      window.starts.set(observation.episodeId, pairs);
      if (window.starts.size > MAX_KEYS)
        window.starts.delete(oldestKey(window.starts, (value) => Math.max(...value.values())));
    }
    const pair = `${observation.network} ${observation.app}`;
    pairs.set(pair, Math.max(pairs.get(pair) ?? 0, observation.at));
    if (pairs.size > MAX_KEYS) pairs.delete(oldestKey(pairs, (last) => last));
  }
  prune(window, windowMs);
  return true;
}

export interface WindowCounts {
  networks: number;
  apps: number;
  /** The most distinct (network, app) download starts of any one episode. */
  episodeDownloads: number;
}

export function countsOf(window: SubscriberWindow): WindowCounts {
  let episodeDownloads = 0;
  for (const pairs of window.starts.values()) episodeDownloads = Math.max(episodeDownloads, pairs.size);
  return { networks: window.networks.size, apps: window.apps.size, episodeDownloads };
}

/**
 * After an alert is dismissed or resolved, only new traffic can raise the next one: the window
 * forgets what it saw (the clock stays), so a dismissed pattern does not re-alert on its next request.
 */
export function clearWindow(window: SubscriberWindow) {
  window.networks.clear();
  window.apps.clear();
  window.starts.clear();
  window.open = null;
}

/** JSON form for storage (maps as sorted entry lists, so equal windows serialise identically). */
export interface StoredWindow {
  clock: number;
  networks: [string, number, number, number][];
  apps: [string, number, number, number][];
  starts: [string, [string, number][]][];
  open: OpenAlert | null;
}

const sortedEntries = <V>(map: Map<string, V>) =>
  [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

export function toStoredWindow(window: SubscriberWindow): StoredWindow {
  const seenList = (map: Map<string, Seen>) =>
    sortedEntries(map).map(([key, seen]): [string, number, number, number] => [
      key,
      seen.first,
      seen.last,
      seen.requests,
    ]);
  return {
    clock: window.clock,
    networks: seenList(window.networks),
    apps: seenList(window.apps),
    starts: sortedEntries(window.starts).map(([episode, pairs]): [string, [string, number][]] => [
      episode,
      sortedEntries(pairs),
    ]),
    open: window.open,
  };
}

export function fromStoredWindow(stored: StoredWindow): SubscriberWindow {
  const seenMap = (list: [string, number, number, number][]) =>
    new Map(list.map(([key, first, last, requests]) => [key, { first, last, requests }]));
  return {
    clock: stored.clock,
    networks: seenMap(stored.networks),
    apps: seenMap(stored.apps),
    starts: new Map(stored.starts.map(([episode, pairs]) => [episode, new Map(pairs)])),
    open: stored.open,
  };
}
