import { SECURE_LINK_DIRECTIVE, secureLinkMd5Directive } from '@gatehouse/tokens';
import {
  recordsAccelCapture,
  recordsAccessLog,
  recordsGrantCapture,
  recordsKind,
  recordsLog,
} from './edge-records.ts';
import type { AuthMode, EdgeValues, Target } from './edge-values.ts';
import { names } from './http-context.ts';
import { block, comment, type Node, regexEscape } from './nginx-text.ts';

/** Identity headers only auth_request may set (docs/edge-protocol.md). */
export const IDENTITY_HEADERS = [
  'X-Gatehouse-Tenant-Id',
  'X-Gatehouse-Subscriber-Id',
  'X-Gatehouse-Generation',
  'X-Gatehouse-Deny-Reason',
] as const;

/** Storage response headers that name buckets, keys, versions or servers; never sent to clients. */
export const STORAGE_HEADERS_HIDDEN = [
  'Server',
  'Set-Cookie',
  'Vary',
  'X-Amz-Request-Id',
  'X-Amz-Id-2',
  'X-Amz-Version-Id',
  'X-Amz-Delete-Marker',
  'X-Amz-Expiration',
  'X-Amz-Restore',
  'X-Amz-Storage-Class',
  'X-Amz-Replication-Status',
  'X-Amz-Server-Side-Encryption',
  'X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id',
  'X-Amz-Server-Side-Encryption-Bucket-Key-Enabled',
  'X-Amz-Website-Redirect-Location',
  'X-Amz-Object-Lock-Mode',
  'X-Amz-Object-Lock-Retain-Until-Date',
  'X-Amz-Object-Lock-Legal-Hold',
  'X-Amz-Mp-Parts-Count',
  'X-Amz-Tagging-Count',
  'X-Amz-Checksum-Crc32',
  'X-Amz-Checksum-Crc32c',
  'X-Amz-Checksum-Sha1',
  'X-Amz-Checksum-Sha256',
  'X-Amz-Checksum-Type',
  'X-Amz-Bucket-Region',
  'X-Amz-Meta-Sha256',
  'X-Amz-Meta-Checksum',
  'X-Minio-Deployment-Id',
  'X-Ratelimit-Limit',
  'X-Ratelimit-Remaining',
  'X-Xss-Protection',
  'X-Content-Type-Options',
  'Strict-Transport-Security',
  'Content-Security-Policy',
  // The grant sets these for the client (grantHeaders).
  'Content-Type',
  'Content-Disposition',
  'Cache-Control',
  'Expires',
] as const;

const hasSlice = (target: Target) => target !== 'ingress-nginx';

function clearIdentity(): string[] {
  return IDENTITY_HEADERS.map((h) => `proxy_set_header ${h} "";`);
}

/** Headers every proxied service request carries (identity cleared; set only by auth_request). */
function serviceHeaders(): string[] {
  return [
    'proxy_http_version 1.1;',
    'proxy_set_header Connection "";',
    'proxy_set_header Host $host;',
    'proxy_set_header X-Forwarded-For $remote_addr;',
    'proxy_set_header X-Forwarded-Proto $scheme;',
    'proxy_set_header X-Forwarded-Host $host;',
    'proxy_set_header X-Real-IP $remote_addr;',
    ...clearIdentity(),
  ];
}

/** The auth hop: tiny request, no body, none of the client's range/conditional headers. */
function authHopHeaders(): string[] {
  const hide = ['X-Media-Origin', 'X-Media-Key', 'X-Media-Size'].map((h) => `proxy_hide_header ${h};`);
  return [
    ...serviceHeaders(),
    'proxy_pass_request_body off;',
    'proxy_set_header Content-Length "";',
    'proxy_set_header Range "";',
    'proxy_set_header If-Range "";',
    'proxy_set_header If-Match "";',
    'proxy_set_header If-None-Match "";',
    'proxy_set_header If-Modified-Since "";',
    'proxy_set_header If-Unmodified-Since "";',
    'proxy_set_header Cookie "";',
    'proxy_set_header Authorization "";',
    'proxy_set_header X-Original-Method $request_method;',
    // A grant carries the presigned URL and key; neither may reach a client, even on error paths.
    ...hide,
    'proxy_connect_timeout 2s;',
    'proxy_read_timeout 10s;',
  ];
}

/** The media routes' prefixes. */
type MediaPrefix = '/m/' | '/d/' | '/pub/';

/**
 * The public media routes: `/m/` (feed tokens), `/d/` (short-lived download tokens) and `/pub/`
 * (public episodes, no token). Each asks auth with an `auth_request` subrequest whose grant is
 * cached for at most `authCache.windowMs`, then goes (try_files) to the internal target the grant
 * names. Why not X-Accel-Redirect replayed from a cache: nginx runs that redirect synchronously
 * inside the cache lookup, and when the target finishes synchronously too (a media cache HIT, a
 * local file, a `return`) the request is freed under the caller: SIGSEGV (README).
 */
function mediaRoutes(v: EdgeValues): Node[] {
  const n = names(v);
  const route = (prefix: MediaPrefix) =>
    block(
      `location ^~ ${prefix}`,
      recordsKind(v, prefix),
      log(v),
      OPEN_FILE_CACHE,
      'auth_request /_gh/decide;',
      `auth_request_set ${n.targetRaw} $upstream_http_x_media_target;`,
      `auth_request_set ${n.origin} $upstream_http_x_media_origin;`,
      `auth_request_set ${n.key} $upstream_http_x_media_key;`,
      `auth_request_set ${n.size} $upstream_http_x_media_size;`,
      `auth_request_set ${n.contentType} $upstream_http_content_type;`,
      `auth_request_set ${n.disposition} $upstream_http_content_disposition;`,
      `auth_request_set ${n.cacheControl} $upstream_http_cache_control;`,
      `auth_request_set ${n.denyStatus} $upstream_http_x_media_deny_status;`,
      `auth_request_set ${n.denyMessage} $upstream_http_x_media_deny_reason;`,
      recordsGrantCapture(v),
      comment('auth_request knows 2xx/401/403; auth down or confused → 500 here → 503 to the client.'),
      'error_page 401 403 = @gh_media_denied;',
      'error_page 500 502 503 504 = @gh_media_unavailable;',
      comment('Granted: on to the internal target (the first name never exists; this is the redirect).'),
      'root /nonexistent;',
      `try_files /.gh ${n.target};`,
    );
  const decide = block(
    'location = /_gh/decide',
    'internal;',
    log(v),
    OPEN_FILE_CACHE,
    `if (${n.decideUri} = "") { return 403; }`,
    `proxy_pass http://${n.auth}${n.decideUri};`,
    authHopHeaders(),
    v.authCache.enabled
      ? [
          comment(
            `Grants only (200), and only inside the ${v.authCache.windowMs} ms window they were stored in; denials are\n` +
              "never stored. Auth's Cache-Control is for the client, not for this cache.",
          ),
          `proxy_cache ${n.authZone};`,
          `proxy_cache_key ${n.decideUri}|${n.decideSlot};`,
          'proxy_cache_valid 200 1s;',
          // No proxy_cache_lock: its waiters poll every 500 ms, far longer than an auth answer.
          'proxy_ignore_headers Cache-Control Expires Set-Cookie Vary X-Accel-Expires X-Accel-Redirect X-Accel-Limit-Rate X-Accel-Buffering;',
        ]
      : [],
  );
  const denied = block(
    'location @gh_media_denied',
    log(v),
    comment('No type by extension (episode.mp3 would make this audio/mpeg).'),
    'types { }',
    'default_type text/plain;',
    'charset utf-8;',
    'add_header Cache-Control no-store always;',
    'add_header X-Content-Type-Options nosniff always;',
    `add_header Retry-After ${n.retryAfter} always;`,
    ...[401, 403, 410, 503, 404].map(
      (status) => `if (${n.denyStatus} = ${status}) { return ${status} "${n.denyMessage}\\n"; }`,
    ),
    comment('No deny status: the path had no media shape, so auth was not asked.'),
    'return 404 "not found\\n";',
  );
  return [route('/m/'), route('/d/'), route('/pub/'), decide, denied, mediaUnavailable(v)];
}

/** auth down, failing or unable to decide: 503 + Retry-After: 1. */
function mediaUnavailable(v: EdgeValues): Node {
  return block(
    'location @gh_media_unavailable',
    log(v),
    'types { }',
    'default_type text/plain;',
    'add_header Cache-Control no-store always;',
    'add_header Retry-After 1 always;',
    'return 503 "temporarily unable to decide; retry\\n";',
  );
}

/**
 * `x-accel` mode, the original protocol (seeds 002/004): `/m/`, `/d/` and `/pub/` are proxied to
 * auth's X-Accel responders (`/edge/media|download|public/…`); a grant is `200` +
 * `X-Accel-Redirect: /_gh/origin/s3|local/…` and nginx redirects internally, a denial (401/403/404/
 * 410, text/plain, no-store) reaches the client as auth wrote it. No decision cache: replaying a
 * cached X-Accel-Redirect crashes nginx 1.22 (README), so every request asks auth.
 */
function accelRoutes(v: EdgeValues): Node[] {
  const n = names(v);
  const route = (prefix: MediaPrefix) =>
    block(
      `location ^~ ${prefix}`,
      recordsKind(v, prefix),
      log(v),
      'types { }',
      'default_type text/plain;',
      comment('Only strictly shaped paths are asked about (map in the http text).'),
      `if (${n.accelUri} = "") { return 404 "not found\\n"; }`,
      `proxy_pass http://${n.auth}${n.accelUri};`,
      comment("HEAD or GET, auth answers the same grant; the redirect keeps the client's method."),
      'proxy_method GET;',
      authHopHeaders(),
      comment(
        'Only the headers nginx copies across an X-Accel-Redirect (Content-Type, Content-Disposition,\n' +
          'Cache-Control, Expires, Accept-Ranges, Set-Cookie) reach the media response; the X-Media-*\n' +
          'headers are read by the internal location and hidden on every other answer.',
      ),
      'proxy_intercept_errors on;',
      'error_page 500 502 503 504 = @gh_media_unavailable;',
    );
  return [route('/m/'), route('/d/'), route('/pub/'), mediaUnavailable(v)];
}

/**
 * Descriptors of the files every media request opens (decision cache entry, media cache entry, the
 * never-existing try_files name, protected files), kept open across requests: a tiny range then
 * costs no open/fstat/close per file (measured: ~21k → ~30k req/s for cached bytes=0-1). Safe here:
 * a decision key is written once (it carries its window) and a media key names immutable bytes
 * (content-addressed), so a descriptor kept open never serves other content than its key's.
 */
const OPEN_FILE_CACHE = [
  'open_file_cache max=10000 inactive=30s;',
  'open_file_cache_valid 30s;',
  'open_file_cache_errors on;',
];

/** Cache settings of the origin fetch, with slice where the nginx build has it. */
function originCache(v: EdgeValues, target: Target): Node[] {
  const n = names(v);
  const common = [
    `proxy_cache ${n.mediaZone};`,
    `proxy_cache_valid 200 206 ${v.cache.valid};`,
    'proxy_cache_lock on;',
    `proxy_cache_lock_timeout ${v.cache.lockTimeout};`,
    `proxy_cache_lock_age ${v.cache.lockAge};`,
    'proxy_cache_use_stale error timeout updating http_500 http_502 http_503 http_504;',
    'proxy_cache_background_update on;',
    'proxy_cache_revalidate on;',
    // Storage cannot decide caching, redirect inside nginx or throttle clients.
    'proxy_ignore_headers Set-Cookie Cache-Control Expires Vary X-Accel-Expires X-Accel-Redirect X-Accel-Limit-Rate X-Accel-Buffering X-Accel-Charset;',
  ];
  if (hasSlice(target)) {
    return [
      comment('Slices: a range in the middle of a big file fetches only the slices it covers.'),
      `slice ${v.cache.slice};`,
      `proxy_cache_key ${n.key}$slice_range;`,
      ...common,
      // Only the headers set here reach storage: nothing a client sends can change the fetch.
      'proxy_pass_request_headers off;',
      'proxy_set_header Range $slice_range;',
    ];
  }
  return [
    comment(
      'No slice module in ingress-nginx: whole objects are cached; a range starting past\n' +
        'proxy_cache_max_range_offset is passed to storage uncached instead of waiting for the fill.',
    ),
    `proxy_cache_key ${n.key};`,
    ...common,
    `proxy_cache_max_range_offset ${v.cache.maxRangeOffset};`,
    'proxy_force_ranges on;',
    // Client headers must pass here (proxy_cache_max_range_offset forwards the client's Range);
    // nginx drops Range/If-* itself on cacheable fetches. Clear everything else that matters.
    'proxy_set_header Accept-Encoding "";',
    'proxy_set_header X-Forwarded-For "";',
    'proxy_set_header X-Real-IP "";',
  ];
}

/** `host` is the Host header: the URL's host[:port] (a pooled origin's comes from a map). */
function originRequest(v: EdgeValues, host = '$proxy_host'): Node[] {
  return [
    'proxy_http_version 1.1;',
    'proxy_set_header Connection "";',
    // Presigned for exactly this Host (host[:port] of the URL, as nginx derives $proxy_host).
    `proxy_set_header Host ${host};`,
    'proxy_set_header Authorization "";',
    'proxy_set_header Cookie "";',
    'proxy_set_header User-Agent "gatehouse-edge";',
    ...clearIdentity(),
    'proxy_pass_request_body off;',
    'proxy_set_header Content-Length "";',
    `resolver_timeout 5s;`,
    v.origin.resolver ? `resolver ${v.origin.resolver};` : [],
    'proxy_ssl_server_name on;',
    'proxy_ssl_verify on;',
    `proxy_ssl_verify_depth ${v.origin.verifyDepth};`,
    `proxy_ssl_trusted_certificate ${v.origin.trustedCertificate};`,
    'proxy_ssl_protocols TLSv1.2 TLSv1.3;',
    `proxy_connect_timeout ${v.origin.connectTimeout};`,
    `proxy_read_timeout ${v.origin.readTimeout};`,
    'proxy_buffering on;',
    STORAGE_HEADERS_HIDDEN.map((h) => `proxy_hide_header ${h};`),
  ];
}

/**
 * What the grant said about the response (auth_request_set in the media routes). In x-accel mode
 * nginx itself carries Content-Type, Content-Disposition and Cache-Control of auth's answer across
 * the redirect (the storage's are hidden), so nothing is added.
 */
function grantHeaders(v: EdgeValues, mode: AuthMode): string[] {
  const n = names(v);
  if (mode === 'x-accel') return [];
  return [
    // Not `always`: an error page keeps its own type (a second Content-Type would be wrong).
    `add_header Content-Type ${n.contentType};`,
    `add_header Content-Disposition ${n.disposition} always;`,
    `add_header Cache-Control ${n.cacheControl} always;`,
  ];
}

function mediaResponseHeaders(v: EdgeValues, mode: AuthMode): string[] {
  return [
    ...grantHeaders(v, mode),
    'add_header X-Cache-Status $upstream_cache_status always;',
    'add_header X-Content-Type-Options nosniff always;',
  ];
}

/**
 * The internal targets: where a cached decision's `try_files` goes, or where auth's
 * X-Accel-Redirect points in x-accel mode.
 */
function originLocations(v: EdgeValues, target: Target, mode: AuthMode): Node[] {
  const n = names(v);
  const fromGrant =
    mode === 'x-accel'
      ? [
          comment(
            "X-Accel-Redirect: auth's answer is still r->upstream here, so its X-Media-* headers are\n" +
              '$upstream_http_* until proxy_pass starts the storage request: copy them first.',
          ),
          `set ${n.origin} $upstream_http_x_media_origin;`,
          `set ${n.key} $upstream_http_x_media_key;`,
          `set ${n.size} $upstream_http_x_media_size;`,
          recordsAccelCapture(v),
        ]
      : [
          comment(
            'The origin and key came with the grant (auth_request_set): the origin travels verbatim in\n' +
              'its own header (X-Accel-Redirect would %-decode it).',
          ),
        ];
  const pooled = v.origin.pooled.length > 0;
  const failures =
    'error_page 400 401 403 404 405 409 410 411 412 500 501 502 503 504 =502 @gh_origin_failed;';
  const s3 = block(
    'location = /_gh/origin/s3',
    'internal;',
    log(v),
    OPEN_FILE_CACHE,
    fromGrant,
    `if (${n.originAllowed} = 0) { return 502; }`,
    `if (${n.key} = "") { return 502; }`,
    originCache(v, target),
    pooled ? originRequest(v, n.originHost) : originRequest(v),
    mediaResponseHeaders(v, mode),
    comment('Storage redirects are followed inside nginx; storage errors never reach the client.'),
    'proxy_intercept_errors on;',
    'error_page 301 302 303 307 308 = @gh_origin_redirect;',
    'error_page 416 = @gh_range_not_satisfiable;',
    failures,
    `proxy_pass ${pooled ? n.originPass : n.origin};`,
  );
  const redirect = block(
    'location @gh_origin_redirect',
    log(v),
    OPEN_FILE_CACHE,
    `set ${n.redirect} $upstream_http_location;`,
    `if (${n.redirectAllowed} = 0) { return 502; }`,
    originCache(v, target),
    originRequest(v),
    mediaResponseHeaders(v, mode),
    'proxy_intercept_errors on;',
    'error_page 416 = @gh_range_not_satisfiable;',
    'error_page 301 302 303 307 308 400 401 403 404 405 409 410 411 412 500 501 502 503 504 =502 @gh_origin_failed;',
    `proxy_pass ${n.redirect};`,
  );
  const failed = block(
    'location @gh_origin_failed',
    v.records.enabled ? recordsAccessLog(v) : [],
    comment(
      'A client request for /_gh/origin/s3 is refused by `internal` (404) with no grant, and\n' +
        'that 404 passes through this location too: keep it a 404, not an origin failure.',
    ),
    'uninitialized_variable_warn off;',
    `if (${n.origin} = "") { return 404; }`,
    'default_type text/plain;',
    'add_header Cache-Control no-store always;',
    'return 502 "origin unavailable\\n";',
  );
  const unsatisfiable = block(
    'location @gh_range_not_satisfiable',
    recordsOnly(v),
    'types { }',
    'default_type text/plain;',
    'add_header X-Cache-Status MISS always;',
    `add_header Content-Range ${n.unsatisfiedRange} always;`,
    'return 416 "range not satisfiable\\n";',
  );
  const local = block(
    'location ^~ /_gh/origin/local/',
    'internal;',
    log(v),
    OPEN_FILE_CACHE,
    mode === 'x-accel' ? recordsAccelCapture(v) : [],
    comment('Protected directory driver (seed 002): object keys are [A-Za-z0-9/._-] paths under it.'),
    `alias ${v.protectedDir}/;`,
    comment('The type comes with the grant, not from the file extension.'),
    'types { }',
    'default_type "";',
    grantHeaders(v, mode),
    'add_header X-Cache-Status LOCAL always;',
    'add_header X-Content-Type-Options nosniff always;',
  );
  const refused = block(
    'location = /_gh/origin/refused',
    'internal;',
    recordsOnly(v),
    comment('A grant naming a target outside the known internal locations (map in the http text).'),
    'types { }',
    'default_type text/plain;',
    'add_header Cache-Control no-store always;',
    'return 502 "origin unavailable\n";',
  );
  return [s3, redirect, failed, unsatisfiable, local, refused];
}

/** Media locations: the records log (edge records on), else the access log or none. */
function log(v: EdgeValues): string[] {
  if (v.records.enabled) return recordsLog(v);
  return v.mediaAccessLog ? [] : ['access_log off;'];
}

/** Locations that otherwise keep the inherited access log: the records log when records are on. */
function recordsOnly(v: EdgeValues): string[] {
  return v.records.enabled ? recordsLog(v) : [];
}

/** Feeds and APIs: identity only through auth_request; everyone else's identity headers cleared. */
function serviceRoutes(v: EdgeValues): Node[] {
  const n = names(v);
  const privateFeed = block(
    'location ^~ /f/',
    recordsKind(v, '/f/'),
    recordsOnly(v),
    `auth_request /_gh/auth;`,
    `auth_request_set ${n.tenant} $upstream_http_x_gatehouse_tenant_id;`,
    `auth_request_set ${n.subscriber} $upstream_http_x_gatehouse_subscriber_id;`,
    `auth_request_set ${n.generation} $upstream_http_x_gatehouse_generation;`,
    `auth_request_set ${n.denyReason} $upstream_http_x_gatehouse_deny_reason;`,
    `auth_request_set ${n.denyStatus} $upstream_http_x_gatehouse_deny_status;`,
    comment('auth_request passes only 401/403: the status auth meant (410 for a reset link) is in a header.'),
    'error_page 401 403 = @gh_feed_denied;',
    `proxy_pass http://${n.feeds};`,
    serviceHeaders(),
    comment('Set after the clearing above: these overwrite anything the client sent.'),
    `proxy_set_header X-Gatehouse-Tenant-Id ${n.tenant};`,
    `proxy_set_header X-Gatehouse-Subscriber-Id ${n.subscriber};`,
    `proxy_set_header X-Gatehouse-Generation ${n.generation};`,
    `add_header X-Gatehouse-Deny-Reason ${n.denyReason} always;`,
  );
  const authorize = block(
    'location = /_gh/auth',
    'internal;',
    `proxy_pass http://${n.auth}/edge/authorize;`,
    authHopHeaders(),
    'proxy_set_header X-Original-URI $request_uri;',
  );
  const plain = (head: string, upstream: string, ...extra: Node[]) =>
    block(head, `proxy_pass http://${upstream};`, serviceHeaders(), extra);
  const limit = (size: string) => `client_max_body_size ${size};`;
  return [
    privateFeed,
    feedDenied(v),
    authorize,
    plain('location ^~ /p/', n.feeds),
    plain('location ^~ /portal/', n.feeds, limit(v.apiBodyLimit)),
    comment("The creators' analytics API (tenant API key) is served by the analytics service."),
    plain('location ^~ /api/v1/analytics/', n.analytics, limit(v.apiBodyLimit)),
    plain(
      'location ^~ /api/',
      n.media,
      comment(
        "Media's JSON bodies reach 1m (episode descriptions of 100k characters, a 10k-part upload's\n" +
          'part list: the service refuses more). Bytes uploaded through the service: uploadBodyLimit.',
      ),
      limit(v.largeApiBodyLimit),
      plain(
        `location ~ "${MEDIA_UPLOAD_THROUGH_SERVICE}"`,
        n.media,
        limit(v.uploadBodyLimit),
        comment(
          'Streamed on as it arrives (media counts and refuses past its own maximum): no spooling to disk.',
        ),
        'proxy_request_buffering off;',
      ),
    ),
    plain(
      'location ^~ /billing/',
      n.billing,
      'proxy_request_buffering on;',
      limit(v.apiBodyLimit),
      comment("Stripe's signed events can be large; billing's webhook parser takes up to 1 MiB."),
      plain(
        'location ^~ /billing/webhooks/',
        n.billing,
        'proxy_request_buffering on;',
        limit(v.largeApiBodyLimit),
      ),
    ),
  ];
}

/**
 * A private feed auth refused. A reset (rotated) link is `410 Gone`, as its old media URLs are:
 * podcast apps stop polling a feed that answers 410 and keep retrying one that answers 403.
 */
function feedDenied(v: EdgeValues): Node {
  const n = names(v);
  return block(
    'location @gh_feed_denied',
    recordsOnly(v),
    'types { }',
    'default_type text/plain;',
    'charset utf-8;',
    'add_header Cache-Control no-store always;',
    'add_header X-Content-Type-Options nosniff always;',
    `add_header X-Gatehouse-Deny-Reason ${n.denyReason} always;`,
    `if (${n.denyStatus} = 410) { return 410 "this feed link has been replaced; use your new link\\n"; }`,
    `if (${n.denyStatus} = 401) { return 401 "invalid feed link\\n"; }`,
    comment('403, or an auth that sends no deny status.'),
    'return 403 "not entitled\\n";',
  );
}

/**
 * Media routes whose body is file bytes streamed through the service: the local storage driver's
 * `PUT /api/v1/uploads/{id}/content`, the protected directory's `PUT /api/v1/private-files/{path}`, and
 * the show and episode files (`PUT /api/v1/shows/{id}/artwork` ≤ 10 MiB, `PUT /api/v1/episodes/{id}/
 * transcript|chapters`; media enforces each kind's own maximum).
 */
export const MEDIA_UPLOAD_THROUGH_SERVICE =
  '^/api/v1/(uploads/[^/]+/content|private-files/.+|shows/[^/]+/artwork|episodes/[^/]+/(transcript|chapters))$';

/** Headers the edge sets on every answer of the web service (its own copies are replaced, not doubled). */
export const WEB_SECURITY_HEADERS = [
  ['X-Frame-Options', 'DENY'],
  ['X-Content-Type-Options', 'nosniff'],
  // Listener pages can carry a feed token or a Checkout session id in their URL: never send it on.
  ['Referrer-Policy', 'no-referrer'],
] as const;

function webHeaders(): string[] {
  return [
    ...WEB_SECURITY_HEADERS.map(([name]) => `proxy_hide_header ${name};`),
    ...WEB_SECURITY_HEADERS.map(([name, value]) => `add_header ${name} ${value} always;`),
  ];
}

/** Paths of the web service (docs/edge-protocol.md, "Public routes at the edge"). */
export const WEB_LOCATIONS = [
  'location = /app',
  'location ^~ /app/',
  'location = /listen',
  'location ^~ /listen/',
  'location ^~ /ui/',
  'location ^~ /web/',
  'location ^~ /operator/',
] as const;

/**
 * The web service: the single-page app's shells (`/app`, `/listen/…`, never cached: they name the
 * current asset hashes and listener pages can carry a feed link), its assets (`/ui/`), its JSON API
 * (`/web/`) and the operator API (`/operator/`). Small bodies only: nothing is uploaded through it.
 * `/ui/assets/` (hashed, immutable) is cached here when `webCache` is on.
 */
function webRoutes(v: EdgeValues): Node[] {
  const n = names(v);
  const route = (head: string, ...extra: Node[]) =>
    block(
      head,
      `client_max_body_size ${v.apiBodyLimit};`,
      `proxy_pass http://${n.web};`,
      serviceHeaders(),
      webHeaders(),
      extra,
    );
  const assets = v.webCache.enabled
    ? route(
        'location ^~ /ui/assets/',
        comment(
          'Hashed file names: the same bytes for everyone. No cookie or credential goes to the web\n' +
            'service, only 200s are stored, and nginx never stores an answer carrying Set-Cookie.',
        ),
        'proxy_set_header Cookie "";',
        'proxy_set_header Authorization "";',
        `proxy_cache ${n.webZone};`,
        'proxy_cache_key $uri;',
        `proxy_cache_valid 200 ${v.webCache.valid};`,
        `proxy_no_cache ${n.webNoStore};`,
        'proxy_cache_lock on;',
        'proxy_cache_use_stale error timeout updating http_500 http_502 http_503 http_504;',
        'add_header X-Cache-Status $upstream_cache_status always;',
      )
    : [];
  return [...WEB_LOCATIONS.map((head) => route(head)), assets];
}

/**
 * The listener's web player asks auth for a short-lived download token (seed 004) with its feed
 * token (`Authorization: Bearer`). POST only; anything else is answered here.
 */
function downloadLinksRoute(v: EdgeValues): Node {
  const n = names(v);
  return block(
    'location = /v1/download-links',
    `client_max_body_size ${v.apiBodyLimit};`,
    comment('Only the 405 answered here uses it; auth types its own answers.'),
    'default_type text/plain;',
    block(
      'if ($request_method != POST)',
      'add_header Allow POST always;',
      'return 405 "method not allowed\\n";',
    ),
    `proxy_pass http://${n.auth};`,
    serviceHeaders(),
  );
}

/**
 * Service-to-service prefixes (docs/edge-protocol.md): never routed, on every target. The
 * ingress-nginx snippet needs these most: there the controller's own locations could send them to a
 * service, and the snippet lands in every server block of the controller (custom domains too).
 */
export const INTERNAL_PREFIXES = ['/internal/', '/edge/'] as const;

function internalPrefixes(): Node[] {
  return INTERNAL_PREFIXES.map((prefix) => block(`location ^~ ${prefix}`, 'access_log off;', 'return 404;'));
}

/** Seed 003: nginx verifies the link itself; the app is not touched. */
function secureLinkRoutes(v: EdgeValues): Node[] {
  const n = names(v);
  const prefixes = v.secureLink.prefixes.map(regexEscape).join('|');
  return [
    block(
      `location ~ "^/s/(?<${n.securePath}>(?:${prefixes})[A-Za-z0-9._~-][A-Za-z0-9/._~-]*)$"`,
      SECURE_LINK_DIRECTIVE,
      secureLinkMd5Directive(v.secureLink.secret, { bindClientIp: v.secureLink.bindClientIp }),
      'if ($secure_link = "") { return 403; }',
      'if ($secure_link = "0") { return 410; }',
      `alias ${v.secureLink.root}/$${n.securePath};`,
      'add_header Cache-Control "private, max-age=3600" always;',
      'add_header X-Content-Type-Options nosniff always;',
    ),
    block('location /s/', 'return 404;'),
  ];
}

/**
 * Every location of the edge server. For ingress-nginx this is the controller's `server-snippet`,
 * which lands in every server block of the controller.
 */
export function serverLocations(v: EdgeValues, target: Target, mode: AuthMode = v.media.authMode): Node[] {
  return [
    `max_ranges ${v.maxRanges};`,
    comment('The hidden storage-header list outgrows the default header hash.'),
    'proxy_headers_hash_max_size 1024;',
    'proxy_headers_hash_bucket_size 128;',
    comment(`Media (${mode}): the auth hop, then the origin from the shared cache.`),
    mode === 'x-accel' ? accelRoutes(v) : mediaRoutes(v),
    originLocations(v, target, mode),
    comment('Nothing under /_gh/ is reachable from outside.'),
    block('location ^~ /_gh/', 'internal;'),
    internalPrefixes(),
    secureLinkRoutes(v),
    serviceRoutes(v),
    comment("The pages (web service) and the web player's download links (auth)."),
    webRoutes(v),
    downloadLinksRoute(v),
  ];
}
