import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Everything the rendered edge configuration depends on. One shape for all three targets; each
 * target starts from its own defaults (`defaultValues`) and a `--values` JSON file (the Helm chart
 * writes one from its values.yaml) overrides any field. Rendering is a pure function of these
 * values, so the same values always give byte-identical text.
 */
export type Target = 'local' | 'edge' | 'ingress-nginx';
export const TARGETS: readonly Target[] = ['local', 'edge', 'ingress-nginx'];

/**
 * How `/m/`, `/d/` and `/pub/` ask auth (docs/edge-protocol.md, nginx-ingress/README.md):
 * - `decision-cache` (default): an `auth_request` subrequest to `/edge/decide/…` whose grant nginx
 *   caches for at most `authCache.windowMs`; most range requests never reach auth.
 * - `x-accel`: the original protocol (seeds 002/004): the request is proxied to auth's
 *   `/edge/media|download|public/…`, which answers `X-Accel-Redirect` to the internal location;
 *   every request asks auth, nothing about the decision is cached.
 */
export type AuthMode = 'decision-cache' | 'x-accel';
export const AUTH_MODES: readonly AuthMode[] = ['decision-cache', 'x-accel'];

export interface UpstreamValues {
  /** `host:port` entries (`server` lines); Kubernetes Service DNS names in a cluster. */
  servers: string[];
  /** Idle keepalive connections each worker keeps to this upstream. */
  keepalive: number;
}

export interface EdgeValues {
  /** `listen` arguments of the edge server (local/edge); ignored for ingress-nginx. */
  listen: string[];
  serverName: string;
  /** Name prefix of every zone, upstream and variable, so the text can share an http block. */
  prefix: string;
  upstreams: {
    auth: UpstreamValues;
    media: UpstreamValues;
    feeds: UpstreamValues;
    billing: UpstreamValues;
    /** The analytics service (creators' `/api/v1/analytics/`). */
    analytics: UpstreamValues;
    /** The web service: dashboard and listener pages, their JSON APIs, the operator API. */
    web: UpstreamValues;
  };
  cache: {
    /** Directory of the media cache (a volume in a cluster). */
    path: string;
    keysZoneSize: string;
    maxSize: string;
    inactive: string;
    /** How long a cached object or slice stays fresh; object keys are content-addressed. */
    valid: string;
    /** Slice size (slice-capable targets only). */
    slice: string;
    /** A waiting request fetches the object itself after this (raise for big files). */
    lockTimeout: string;
    lockAge: string;
    /** Without slice (ingress-nginx): a range starting past this offset bypasses the cache. */
    maxRangeOffset: string;
  };
  /**
   * nginx-side cache of auth grants, keyed by the media path (token + episode + file) and a time
   * window: a grant is reused only inside the window it was stored in (100, 200, 500 or 1000 ms),
   * so revocation reaches the edge within `windowMs` of reaching auth. Denials are never cached.
   */
  authCache: { enabled: boolean; path: string; windowMs: number };
  media: {
    /** The media front door's auth protocol (see AuthMode). */
    authMode: AuthMode;
    /**
     * `listen` arguments of a second edge server in `x-accel` mode beside the main one, sharing
     * its media cache (one cache, two front doors: the local stack's 58082, for tests and the
     * bench). Empty: no second server. local/edge only.
     */
    xAccelListen: string[];
  };
  origin: {
    /** `scheme://host[:port]` of every storage endpoint nginx may fetch from (SSRF allow-list). */
    allow: string[];
    /** `resolver` arguments for the variable proxy_pass; empty: do not emit (ingress-nginx has one). */
    resolver: string;
    /**
     * `http://host:port` origins (each also in `allow`) whose connections nginx keeps open: one
     * `upstream` with keepalive per origin. nginx resolves an upstream's name once, at start, so
     * list only origins with a fixed address (a local MinIO), never a cloud endpoint. Kept-open
     * connections also keep MinIO's audit log whole: MinIO drops the audit entry of a request
     * whose client hung up before the entry was queued.
     */
    pooled: string[];
    trustedCertificate: string;
    verifyDepth: number;
    connectTimeout: string;
    readTimeout: string;
  };
  /** The local protected directory (seed 002); objects served by `alias`. */
  protectedDir: string;
  secureLink: {
    /** Shared with the auth service (signSecureLink); ≥ 16 chars, no quotes/$/spaces. */
    secret: string;
    bindClientIp: boolean;
    /** Directory `/s/` serves from, and the path prefixes under it that are private. */
    root: string;
    prefixes: string[];
  };
  /** Ranges per request beyond which nginx answers the whole file (abuse bound). */
  maxRanges: number;
  /** Access log for `/m/` (off measurably raises throughput of tiny range requests). */
  mediaAccessLog: boolean;
  /**
   * Edge records (packages/contracts/src/edge-records.ts): one JSON line per `/m/`, `/d/`, `/pub/`
   * and `/f/` request in `path`, which the records shipper tails. They replace the access log on
   * those paths (so `mediaAccessLog` must stay off). `buffer` '' writes every line at once;
   * otherwise nginx writes when `buffer` fills or after `flush` (what a crashed nginx can lose).
   */
  records: { enabled: boolean; path: string; buffer: string; flush: string };
  /**
   * Trusted proxies (realip module, local/edge): from these addresses/CIDRs nginx takes the client
   * address from `header`; from anyone else the peer address stands. Empty: the peer address.
   */
  realIp: { from: string[]; header: string; recursive: boolean };
  /** The server-wide request body limit (what routes without a smaller limit accept). */
  clientMaxBodySize: string;
  /**
   * Request body limit of the small JSON routes: the web service (`/app`, `/listen/`, `/ui/`,
   * `/web/`, `/operator/`) and `/v1/download-links`.
   */
  apiBodyLimit: string;
  /**
   * Request body limit of the larger JSON routes: media's `/api/` (long descriptions, big part lists)
   * and billing's Stripe webhooks. Media's upload PUTs through the service: `uploadBodyLimit`.
   */
  largeApiBodyLimit: string;
  /**
   * Request body limit of the bytes uploaded through media (`PUT /api/v1/uploads/{id}/content` with
   * the local storage driver, `PUT /api/v1/private-files/…`): streamed to media unbuffered, which
   * enforces its own maximum. 10m (the server-wide `clientMaxBodySize`) by default.
   */
  uploadBodyLimit: string;
  /**
   * Edge cache of the web service's immutable assets (`/ui/assets/`, hashed file names): only 200
   * answers without Set-Cookie are stored; pages (shells) and JSON are never cached.
   */
  webCache: { enabled: boolean; path: string; maxSize: string; valid: string };
}

type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K];
};
export type ValuesOverride = DeepPartial<EdgeValues>;

export class ValuesError extends Error {
  override name = 'ValuesError';
}

function repoRoot(): string {
  // nginx-ingress/src/edge-values.ts → repository root; no git call so rendering stays pure.
  return path.resolve(import.meta.dirname, '..', '..');
}

const upstream = (servers: string[], keepalive = 32): UpstreamValues => ({ servers, keepalive });

const COMMON = {
  serverName: '_',
  prefix: 'gh',
  maxRanges: 4,
  mediaAccessLog: false,
  clientMaxBodySize: '10m',
  apiBodyLimit: '64k',
  largeApiBodyLimit: '1m',
  uploadBodyLimit: '10m',
  realIp: { from: [] as string[], header: 'X-Forwarded-For', recursive: true },
};

const RECORDS_COMMON = { enabled: false, buffer: '64k', flush: '1s' };

const CACHE_COMMON = {
  keysZoneSize: '64m',
  inactive: '7d',
  valid: '30d',
  slice: '1m',
  lockTimeout: '120s',
  lockAge: '120s',
  maxRangeOffset: '8m',
};

/** A few MB of hashed JS/CSS/fonts per release; a week without a request lets old releases go. */
const WEB_CACHE_COMMON = { enabled: true, maxSize: '256m', valid: '7d' };

const ORIGIN_COMMON = {
  pooled: [] as string[],
  trustedCertificate: '/etc/ssl/certs/ca-certificates.crt',
  verifyDepth: 3,
  connectTimeout: '5s',
  readTimeout: '60s',
};

/**
 * The local stack's secure_link secret, from one source for everything that signs or verifies `/s/`
 * links locally: `SECURE_LINK_SECRET` if set, else the one `scripts/platform.sh` generated into
 * `$STACK_DIR/platform.env` (the media service signs with it), else a fixed development value.
 */
export function localSecureLinkSecret(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SECURE_LINK_SECRET) return env.SECURE_LINK_SECRET;
  const file = path.join(env.STACK_DIR || path.join(repoRoot(), '.stack'), 'platform.env');
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    // No platform yet: the stack alone (tests) uses the fixed value.
  }
  return /^export SECURE_LINK_SECRET=(\S+)$/m.exec(text)?.[1] ?? 'local-stack-secure-link-secret-0001';
}

/** Defaults per target. The local stack's live under `.stack/` (or $STACK_DIR). */
export function defaultValues(target: Target, env: NodeJS.ProcessEnv = process.env): EdgeValues {
  if (target === 'local') {
    const stack = env.STACK_DIR || path.join(repoRoot(), '.stack');
    const cacheDir = env.STACK_NGINX_CACHE_DIR || path.join(stack, 'nginx', 'cache');
    return {
      ...COMMON,
      listen: ['127.0.0.1:58080'],
      upstreams: {
        // GATEHOUSE_LOCAL_AUTH_SERVERS (comma-separated host:port) puts a second auth replica
        // behind the local edge for the resilience suite (e2e/resilience); validated below.
        auth: upstream(
          (env.GATEHOUSE_LOCAL_AUTH_SERVERS || '127.0.0.1:53001').split(',').map((s) => s.trim()),
          64,
        ),
        media: upstream(['127.0.0.1:53002']),
        feeds: upstream(['127.0.0.1:53003']),
        billing: upstream(['127.0.0.1:53004']),
        analytics: upstream(['127.0.0.1:53005']),
        web: upstream(['127.0.0.1:53006']),
      },
      cache: { ...CACHE_COMMON, path: path.join(cacheDir, 'media'), maxSize: '4g' },
      webCache: { ...WEB_CACHE_COMMON, path: path.join(cacheDir, 'web') },
      records: { ...RECORDS_COMMON, path: path.join(stack, 'nginx', 'edge-records.log') },
      authCache: { enabled: true, path: path.join(cacheDir, 'auth'), windowMs: 100 },
      media: { authMode: 'decision-cache', xAccelListen: ['127.0.0.1:58082'] },
      origin: {
        ...ORIGIN_COMMON,
        allow: ['http://127.0.0.1:59000'],
        pooled: ['http://127.0.0.1:59000'],
        resolver: '127.0.0.1 ipv6=off',
      },
      protectedDir: path.join(stack, 'protected'),
      secureLink: {
        secret: localSecureLinkSecret(env),
        bindClientIp: false,
        root: path.join(stack, 'protected'),
        prefixes: ['private/'],
      },
    };
  }
  const cluster = {
    ...COMMON,
    listen: ['8080'],
    upstreams: {
      auth: upstream(['gatehouse-auth:80'], 64),
      media: upstream(['gatehouse-media:80']),
      feeds: upstream(['gatehouse-feeds:80']),
      billing: upstream(['gatehouse-billing:80']),
      analytics: upstream(['gatehouse-analytics:80']),
      web: upstream(['gatehouse-web:80']),
    },
    cache: { ...CACHE_COMMON, path: '/var/cache/gatehouse/media', maxSize: '20g' },
    webCache: { ...WEB_CACHE_COMMON, path: '/var/cache/gatehouse/web' },
    records: { ...RECORDS_COMMON, path: '/var/log/gatehouse/edge-records.log' },
    authCache: { enabled: true, path: '/var/cache/gatehouse/auth', windowMs: 100 },
    media: { authMode: 'decision-cache' as AuthMode, xAccelListen: [] as string[] },
    origin: {
      ...ORIGIN_COMMON,
      allow: [],
      resolver: 'kube-dns.kube-system.svc.cluster.local valid=30s ipv6=off',
    },
    protectedDir: '/srv/gatehouse/protected',
    secureLink: { secret: '', bindClientIp: false, root: '/srv/gatehouse/protected', prefixes: ['private/'] },
  } satisfies EdgeValues;
  if (target === 'ingress-nginx') {
    // The controller writes its own `resolver` (from the pod's resolv.conf) into the http block.
    return { ...cluster, origin: { ...cluster.origin, resolver: '' } };
  }
  return cluster;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Overrides replace scalars and arrays, and merge objects; unknown keys are errors (typos). */
export function mergeValues<T>(base: T, override: unknown, at = 'values'): T {
  if (!isPlainObject(override)) throw new ValuesError(`${at} must be an object`);
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(override)) {
    if (!(key in out)) throw new ValuesError(`${at}.${key} is not a known setting`);
    const current = out[key];
    if (isPlainObject(current)) out[key] = mergeValues(current, value, `${at}.${key}`);
    else if (Array.isArray(current)) {
      if (!Array.isArray(value)) throw new ValuesError(`${at}.${key} must be an array`);
      out[key] = value;
    } else {
      if (typeof value !== typeof current) throw new ValuesError(`${at}.${key} must be a ${typeof current}`);
      out[key] = value;
    }
  }
  return out as T;
}

export function loadValuesFile(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ValuesError(`cannot read values file ${file}: ${(error as Error).message}`);
  }
}

export const AUTH_WINDOWS: readonly number[] = [100, 200, 500, 1000];
const SIZE = /^\d+[kmg]?$/;
const TIME = /^\d+(ms|s|m|h|d)?$/;
const HOST_PORT = /^(unix:\/[^\s;{}]+|[A-Za-z0-9.-]+:\d{1,5}|\[[0-9a-fA-F:]+\]:\d{1,5})$/;
const ORIGIN = /^(https?):\/\/([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\])(:\d{1,5})?$/;
// Anything nginx would read as syntax ends the directive early: never let values inject config.
const SAFE = /^[^\s;{}"'\\$#]*$/;

/** Refuses values that would render a broken or unsafe configuration, naming the field. */
export function validateValues(v: EdgeValues, target: Target): void {
  const fail = (field: string, problem: string): never => {
    throw new ValuesError(`${field} ${problem}`);
  };
  if (!/^[a-z][a-z0-9_]{0,15}$/.test(v.prefix)) fail('prefix', 'must match [a-z][a-z0-9_]{0,15}');
  if (target !== 'ingress-nginx' && v.listen.length === 0) fail('listen', 'needs at least one address');
  for (const l of v.listen) if (!/^[A-Za-z0-9.:[\]_ -]+$/.test(l)) fail('listen', `has an unsafe entry ${l}`);
  if (!AUTH_MODES.includes(v.media.authMode))
    fail('media.authMode', `must be one of ${AUTH_MODES.join(', ')}`);
  if (target === 'ingress-nginx' && v.media.xAccelListen.length > 0)
    fail('media.xAccelListen', 'must be empty for ingress-nginx (the controller owns the servers)');
  for (const l of v.media.xAccelListen) {
    if (typeof l !== 'string' || !/^[A-Za-z0-9.:[\]_ -]+$/.test(l))
      fail('media.xAccelListen', `has an unsafe entry ${l}`);
    if (v.listen.includes(l)) fail('media.xAccelListen', `repeats the main listen address ${l}`);
  }
  if (!SAFE.test(v.serverName)) fail('serverName', 'has unsafe characters');
  for (const [name, u] of Object.entries(v.upstreams)) {
    if (u.servers.length === 0) fail(`upstreams.${name}.servers`, 'needs at least one host:port');
    for (const s of u.servers)
      if (!HOST_PORT.test(s)) fail(`upstreams.${name}.servers`, `has a bad entry ${s}`);
    if (!Number.isInteger(u.keepalive) || u.keepalive < 1) fail(`upstreams.${name}.keepalive`, 'must be ≥ 1');
  }
  for (const key of ['keysZoneSize', 'maxSize', 'slice', 'maxRangeOffset'] as const) {
    if (!SIZE.test(v.cache[key])) fail(`cache.${key}`, 'must be a size like 64m');
  }
  for (const key of ['inactive', 'valid', 'lockTimeout', 'lockAge'] as const) {
    if (!TIME.test(v.cache[key])) fail(`cache.${key}`, 'must be a time like 60s');
  }
  for (const [field, p] of [
    ['cache.path', v.cache.path],
    ['authCache.path', v.authCache.path],
    ['protectedDir', v.protectedDir],
    ['secureLink.root', v.secureLink.root],
    ['origin.trustedCertificate', v.origin.trustedCertificate],
    ['records.path', v.records.path],
    ['webCache.path', v.webCache.path],
  ] as const) {
    if (!p.startsWith('/') || !SAFE.test(p)) fail(field, 'must be an absolute path without spaces or quotes');
  }
  // Revocation must reach every download within a second (DESIGN.md); the window is cut from
  // the tenths digit of $msec, so it must divide a second into whole tenths.
  if (!AUTH_WINDOWS.includes(v.authCache.windowMs))
    fail('authCache.windowMs', `must be one of ${AUTH_WINDOWS.join(', ')} (at most a second)`);
  if (v.origin.allow.length === 0)
    fail('origin.allow', 'needs at least one scheme://host[:port] (storage endpoint)');
  for (const o of v.origin.allow)
    if (!ORIGIN.test(o)) fail('origin.allow', `has a bad origin ${o} (scheme://host[:port])`);
  for (const o of v.origin.pooled) {
    if (!/^http:\/\/[A-Za-z0-9.-]+:\d+$/.test(o)) fail('origin.pooled', `has ${o}: only http://host:port`);
    if (!v.origin.allow.includes(o)) fail('origin.pooled', `has ${o}, which origin.allow does not list`);
  }
  if (!/^[A-Za-z0-9.:=\s[\]_-]*$/.test(v.origin.resolver)) fail('origin.resolver', 'has unsafe characters');
  if (target !== 'ingress-nginx' && v.origin.resolver === '')
    fail('origin.resolver', 'is required for this target');
  if (!Number.isInteger(v.maxRanges) || v.maxRanges < 1) fail('maxRanges', 'must be ≥ 1');
  if (v.secureLink.secret.length < 16 || !/^[^"$\s\\;{}'#]+$/.test(v.secureLink.secret)) {
    fail('secureLink.secret', 'must be ≥ 16 characters without quotes, $, \\, ;, braces or spaces');
  }
  if (v.secureLink.prefixes.length === 0) fail('secureLink.prefixes', 'needs at least one prefix');
  for (const p of v.secureLink.prefixes) {
    if (!/^[A-Za-z0-9._-]+\/$/.test(p)) fail('secureLink.prefixes', `has a bad prefix ${p} (like private/)`);
  }
  if (!SIZE.test(v.clientMaxBodySize)) fail('clientMaxBodySize', 'must be a size');
  if (!SIZE.test(v.apiBodyLimit)) fail('apiBodyLimit', 'must be a size like 64k');
  if (!SIZE.test(v.largeApiBodyLimit)) fail('largeApiBodyLimit', 'must be a size like 1m');
  if (!SIZE.test(v.uploadBodyLimit)) fail('uploadBodyLimit', 'must be a size like 10m');
  if (!SIZE.test(v.webCache.maxSize)) fail('webCache.maxSize', 'must be a size like 256m');
  if (!TIME.test(v.webCache.valid)) fail('webCache.valid', 'must be a time like 7d');
  if (v.webCache.path === v.cache.path || v.webCache.path === v.authCache.path)
    fail('webCache.path', 'must differ from the media and auth cache paths');
  if (v.records.buffer !== '' && !SIZE.test(v.records.buffer))
    fail('records.buffer', "must be a size like 64k, or '' (unbuffered)");
  if (!TIME.test(v.records.flush)) fail('records.flush', 'must be a time like 1s');
  if (v.records.enabled && v.mediaAccessLog)
    fail('mediaAccessLog', 'must be off with records.enabled (the records are the media access log)');
  for (const from of v.realIp.from) {
    if (!/^([0-9.]+|[0-9a-fA-F:]+)(\/\d{1,3})?$|^unix:$/.test(from))
      fail('realIp.from', `has a bad entry ${from} (an address or CIDR)`);
  }
  if (!/^[A-Za-z0-9-]{1,64}$/.test(v.realIp.header)) fail('realIp.header', 'must be a header name');
}

/** The auth modes the rendered text serves: the main server's, plus x-accel for a second server. */
export function authModes(v: EdgeValues, target: Target): AuthMode[] {
  const modes = new Set<AuthMode>([v.media.authMode]);
  if (target !== 'ingress-nginx' && v.media.xAccelListen.length > 0) modes.add('x-accel');
  return [...modes];
}

/** Defaults for the target, then the override, then validation. */
export function resolveValues(
  target: Target,
  override?: unknown,
  env: NodeJS.ProcessEnv = process.env,
): EdgeValues {
  let values = defaultValues(target, env);
  if (override !== undefined) values = mergeValues(values, override);
  validateValues(values, target);
  return values;
}
