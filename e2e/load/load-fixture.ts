import { readFileSync } from 'node:fs';

/**
 * The input of every load scenario (Node and k6 alike): where the edge is, which episodes and
 * feeds exist, and subscriber tokens with what the edge must answer them. `setup.ts` writes one
 * for the local stack; an operator writes one by hand for a cluster (object keys are optional
 * and only used to count origin requests in a local MinIO audit log).
 */
export interface LoadFixture {
  edgeUrl: string;
  createdAt: string;
  /** How subscriber access records reached Redis (`billing-projector` or `access-cache`). */
  accessPath: string;
  /** The edge's slice size (nginx `slice`), for the expected origin requests. */
  sliceBytes: number;
  episodes: FixtureEpisode[];
  /** Shows with a private feed at /f/{token}/{showId}.xml. */
  showIds: string[];
  subscribers: FixtureSubscriber[];
}

export interface FixtureEpisode {
  episodeId: string;
  fileName: string;
  byteSize: number;
  objectKey?: string;
}

export interface FixtureSubscriber {
  token: string;
  /** `grant`: paying subscriber of the tenant; `deny`: revoked, or another tenant's subscriber. */
  expect: 'grant' | 'deny';
  kind: 'active' | 'revoked' | 'other-tenant';
}

export function readFixture(file: string): LoadFixture {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`load fixture ${file}: ${(error as Error).message}`);
  }
  const f = value as Partial<LoadFixture>;
  const problems: string[] = [];
  if (typeof f.edgeUrl !== 'string' || !/^https?:\/\//.test(f.edgeUrl))
    problems.push('edgeUrl must be an http(s) URL');
  if (!Array.isArray(f.episodes) || f.episodes.length === 0)
    problems.push('episodes must be a non-empty array');
  if (!Array.isArray(f.subscribers) || f.subscribers.length === 0)
    problems.push('subscribers must be a non-empty array');
  for (const [i, e] of (f.episodes ?? []).entries()) {
    if (!e.episodeId || !e.fileName || !(e.byteSize > 0))
      problems.push(`episodes[${i}] needs episodeId, fileName, byteSize`);
  }
  for (const [i, s] of (f.subscribers ?? []).entries()) {
    if (!s.token || (s.expect !== 'grant' && s.expect !== 'deny'))
      problems.push(`subscribers[${i}] needs token and expect`);
  }
  if (problems.length) throw new Error(`load fixture ${file}: ${problems.join('; ')}`);
  const fixture = f as LoadFixture;
  return {
    ...fixture,
    accessPath: fixture.accessPath ?? 'unknown',
    createdAt: fixture.createdAt ?? '',
    sliceBytes: fixture.sliceBytes ?? 1024 * 1024,
    showIds: fixture.showIds ?? [],
  };
}

export const mediaPath = (token: string, e: FixtureEpisode) => `/m/${token}/${e.episodeId}/${e.fileName}`;
export const feedPath = (token: string, showId: string) => `/f/${token}/${showId}.xml`;
