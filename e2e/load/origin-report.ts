import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { readMinioAudit } from '@gatehouse/testkit';
import type { LoadFixture } from './load-fixture.ts';

/**
 * Origin requests of a run, counted by the storage server itself (MinIO's audit log,
 * MINIO_AUDIT_LOG): GetObject entries for the fixture's object keys since the run started.
 * Only possible where the run can read that log (the local stack); elsewhere `available: false`.
 */
export interface OriginReport {
  available: boolean;
  reason?: string;
  /** GetObject requests MinIO served for the fixture's objects during the run. */
  requests?: number;
  byKey?: Record<string, number>;
  /** Distinct slices the run read: what a cold cache must fetch exactly once each. */
  expected?: number;
  /** Same range fetched twice from the origin (should be empty: proxy_cache_lock). */
  duplicates?: number;
}

export async function originReport(
  fixture: LoadFixture,
  sinceMs: number,
  expectedSlices: number | undefined,
  file = process.env.MINIO_AUDIT_LOG,
): Promise<OriginReport> {
  const keys = new Set(fixture.episodes.flatMap((e) => (e.objectKey ? [e.objectKey] : [])));
  if (!file) return { available: false, reason: 'MINIO_AUDIT_LOG is not set (not the local stack)' };
  if (keys.size === 0) return { available: false, reason: 'the fixture names no object keys' };
  if (!existsSync(file)) return { available: false, reason: `${file} does not exist` };
  // MinIO posts audit entries asynchronously: read until the count stops moving.
  let entries = readMinioAudit({ file, since: sinceMs - 1000 }).filter((e) => keys.has(e.key));
  for (let stable = 0, i = 0; stable < 2 && i < 40; i++) {
    await sleep(300);
    const next = readMinioAudit({ file, since: sinceMs - 1000 }).filter((e) => keys.has(e.key));
    stable = next.length === entries.length ? stable + 1 : 0;
    entries = next;
  }
  const byKey: Record<string, number> = {};
  const ranges = new Set<string>();
  let duplicates = 0;
  for (const e of entries) {
    byKey[e.key] = (byKey[e.key] ?? 0) + 1;
    const id = `${e.key} ${e.range ?? 'full'}`;
    if (ranges.has(id)) duplicates++;
    ranges.add(id);
  }
  return {
    available: true,
    requests: entries.length,
    byKey,
    ...(expectedSlices === undefined ? {} : { expected: expectedSlices }),
    duplicates,
  };
}
