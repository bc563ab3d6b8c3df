/**
 * What a load run observed, kept small enough for millions of requests: status counts, a
 * log-linear latency histogram (1% resolution), X-Cache-Status counts and wrong grants.
 */

/** Whether a request was expected to be granted (2xx/304) or denied (401/403/404/410). */
export type Expectation = 'grant' | 'deny';

export interface Observation {
  /** Scenario step, e.g. `probe`, `range`, `feed`. */
  step: string;
  expect: Expectation;
  /** 0 when the request failed without an HTTP answer (connection error, timeout). */
  status: number;
  latencyMs: number;
  cacheStatus: string | undefined;
  bytes: number;
  /** A response that was not what the client asked for (wrong Content-Range, short body). */
  malformed?: string;
}

const DENY_STATUSES = new Set([401, 403, 404, 410]);
const BUCKETS_PER_DECADE = 230; // 10^(1/230) ≈ 1.01

function bucketOf(ms: number): number {
  return ms <= 0.01 ? 0 : Math.max(0, Math.round(Math.log10(ms / 0.01) * BUCKETS_PER_DECADE));
}
const bucketValue = (bucket: number) => 0.01 * 10 ** (bucket / BUCKETS_PER_DECADE);

export class LoadStats {
  readonly startedAt = Date.now();
  endedAt = 0;
  requests = 0;
  bytes = 0;
  readonly statuses = new Map<string, number>();
  readonly cache = new Map<string, number>();
  readonly errors = new Map<string, number>();
  /** Deny-expected requests that got 2xx/206/304: must stay 0. */
  wrongGrants = 0;
  readonly wrongGrantSamples: string[] = [];
  readonly malformed: string[] = [];
  private readonly histogram = new Map<number, number>();
  private maxLatency = 0;

  record(o: Observation, url?: string): void {
    this.requests++;
    this.bytes += o.bytes;
    const statusKey = o.status === 0 ? 'network-error' : String(o.status);
    this.statuses.set(statusKey, (this.statuses.get(statusKey) ?? 0) + 1);
    if (o.cacheStatus) this.cache.set(o.cacheStatus, (this.cache.get(o.cacheStatus) ?? 0) + 1);
    const bucket = bucketOf(o.latencyMs);
    this.histogram.set(bucket, (this.histogram.get(bucket) ?? 0) + 1);
    if (o.latencyMs > this.maxLatency) this.maxLatency = o.latencyMs;

    const granted = o.status >= 200 && o.status < 400;
    if (o.expect === 'deny' && granted) {
      this.wrongGrants++;
      if (this.wrongGrantSamples.length < 10)
        this.wrongGrantSamples.push(`${o.step} ${o.status} ${url ?? ''}`);
    }
    const expected = o.expect === 'grant' ? granted : DENY_STATUSES.has(o.status);
    if (!expected) {
      const key = `${o.step}:${statusKey}`;
      this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
    }
    if (o.malformed && this.malformed.length < 10) this.malformed.push(`${o.step}: ${o.malformed}`);
  }

  /** Latency at quantile q (0..1), from the histogram (±1%). */
  percentile(q: number): number {
    const total = this.requests;
    if (total === 0) return 0;
    const rank = Math.ceil(q * total);
    let seen = 0;
    for (const bucket of [...this.histogram.keys()].sort((a, b) => a - b)) {
      seen += this.histogram.get(bucket)!;
      if (seen >= rank) return Math.min(bucketValue(bucket), this.maxLatency);
    }
    return this.maxLatency;
  }

  get errorCount(): number {
    let n = 0;
    for (const v of this.errors.values()) n += v;
    return n;
  }

  /** HIT (and STALE/UPDATING/REVALIDATED: served from cache) over all media responses with a cache status. */
  cacheHitRatio(): number | undefined {
    let hits = 0;
    let total = 0;
    for (const [status, n] of this.cache) {
      if (status === 'LOCAL') continue;
      total += n;
      if (status === 'HIT' || status === 'STALE' || status === 'UPDATING' || status === 'REVALIDATED')
        hits += n;
    }
    return total === 0 ? undefined : hits / total;
  }

  summary(extra: Record<string, unknown> = {}): LoadSummary {
    const end = this.endedAt || Date.now();
    const seconds = Math.max(0.001, (end - this.startedAt) / 1000);
    const round = (n: number) => Math.round(n * 100) / 100;
    return {
      requests: this.requests,
      seconds: round(seconds),
      requestsPerSecond: round(this.requests / seconds),
      megabytesPerSecond: round(this.bytes / 1048576 / seconds),
      latencyMs: {
        p50: round(this.percentile(0.5)),
        p90: round(this.percentile(0.9)),
        p99: round(this.percentile(0.99)),
        max: round(this.maxLatency),
      },
      statuses: Object.fromEntries([...this.statuses].sort()),
      errors: this.errorCount,
      errorsByStep: Object.fromEntries([...this.errors].sort()),
      cacheStatus: Object.fromEntries([...this.cache].sort()),
      cacheHitRatio: this.cacheHitRatio() === undefined ? null : round(this.cacheHitRatio()!),
      wrongGrants: this.wrongGrants,
      wrongGrantSamples: this.wrongGrantSamples,
      malformed: this.malformed,
      ...extra,
    };
  }
}

export interface LoadSummary {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  megabytesPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  statuses: Record<string, number>;
  errors: number;
  errorsByStep: Record<string, number>;
  cacheStatus: Record<string, number>;
  cacheHitRatio: number | null;
  wrongGrants: number;
  wrongGrantSamples: string[];
  malformed: string[];
  [key: string]: unknown;
}

/** The human-readable block printed at the end of every run. */
export function formatSummary(title: string, s: LoadSummary): string {
  const lines = [
    `== ${title}`,
    `requests        ${s.requests} in ${s.seconds} s = ${s.requestsPerSecond} req/s, ${s.megabytesPerSecond} MiB/s`,
    `latency ms      p50 ${s.latencyMs.p50}  p90 ${s.latencyMs.p90}  p99 ${s.latencyMs.p99}  max ${s.latencyMs.max}`,
    `statuses        ${JSON.stringify(s.statuses)}`,
    `errors          ${s.errors} ${s.errors ? JSON.stringify(s.errorsByStep) : ''}`,
    `cache           ${JSON.stringify(s.cacheStatus)} hit ratio ${s.cacheHitRatio ?? 'n/a'}`,
    `wrong grants    ${s.wrongGrants}${s.wrongGrants ? ` ${JSON.stringify(s.wrongGrantSamples)}` : ''}`,
  ];
  if (s.malformed.length) lines.push(`malformed       ${JSON.stringify(s.malformed)}`);
  if (s.origin) lines.push(`origin          ${JSON.stringify(s.origin)}`);
  return lines.join('\n');
}
