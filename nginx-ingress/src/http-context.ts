import { recordsHttpContext } from './edge-records.ts';
import type { AuthMode, EdgeValues } from './edge-values.ts';
import { block, comment, type Node, quote, regexEscape } from './nginx-text.ts';

/** Names shared by the http-level and server-level text, all under the configured prefix. */
export function names(v: EdgeValues) {
  const p = v.prefix;
  return {
    auth: `${p}_auth`,
    media: `${p}_media`,
    feeds: `${p}_feeds`,
    billing: `${p}_billing`,
    analytics: `${p}_analytics`,
    web: `${p}_web`,
    webZone: `${p}_web_assets`,
    webNoStore: `$${p}_web_no_store`,
    mediaZone: `${p}_media`,
    authZone: `${p}_auth_decisions`,
    origin: `$${p}_origin`,
    key: `$${p}_key`,
    decideUri: `$${p}_decide_uri`,
    accelUri: `$${p}_accel_uri`,
    decideSlot: `$${p}_decide_slot`,
    targetRaw: `$${p}_target_raw`,
    target: `$${p}_target`,
    contentType: `$${p}_content_type`,
    size: `$${p}_size`,
    disposition: `$${p}_disposition`,
    cacheControl: `$${p}_cache_control`,
    denyStatus: `$${p}_deny_status`,
    denyMessage: `$${p}_deny_message`,
    retryAfter: `$${p}_retry_after`,
    unsatisfiedRange: `$${p}_unsatisfied_range`,
    originAllowed: `$${p}_origin_allowed`,
    originPass: `$${p}_origin_pass`,
    originHost: `$${p}_origin_host`,
    originRest: `${p}_origin_rest`,
    originPool: `${p}_origin_pool`,
    redirect: `$${p}_redirect`,
    redirectAllowed: `$${p}_redirect_allowed`,
    tenant: `$${p}_tenant`,
    subscriber: `$${p}_subscriber`,
    generation: `$${p}_generation`,
    denyReason: `$${p}_deny_reason`,
    securePath: `${p}_sl_path`,
  };
}

/** `scheme://host[:port]` → a regex matching a URL on exactly that origin (default port optional). */
export function originPattern(origin: string): string {
  const m = /^(https?):\/\/([^/:]+|\[[^\]]+\])(?::(\d+))?$/.exec(origin);
  if (!m) throw new Error(`bad origin ${origin}`);
  const [, scheme, host, port] = m as unknown as [string, string, string, string | undefined];
  const defaultPort = scheme === 'https' ? '443' : '80';
  const portPart = port === undefined || port === defaultPort ? `(:${defaultPort})?` : `:${port}`;
  // The `/` right after the authority stops `http://allowed@evil/` and `http://allowed.evil/`.
  return `^${scheme}://${regexEscape(host)}${portPart}/`;
}

function upstream(name: string, servers: string[], keepalive: number): Node {
  return block(
    `upstream ${name}`,
    servers.map((s) => `server ${s} max_fails=0;`),
    `keepalive ${keepalive};`,
    'keepalive_requests 100000;',
    'keepalive_timeout 60s;',
    // A kept connection is retired after a minute however busy it is: behind a Service address a
    // connection stays with the endpoint (or the wrong peer) it first reached, so without this new
    // replicas after a scale-up get no edge traffic, and a connection opened while the Service had
    // no endpoint is never replaced (docs/cluster.md, "Service addresses never leave the node").
    'keepalive_time 60s;',
  );
}

/** `$msec` ("1700000000.123") → "<seconds>:<window index>", one entry per window of the second. */
function slotEntries(windowMs: number): string[] {
  const perWindow = windowMs / 100;
  const out: string[] = [];
  for (let first = 0, index = 0; first < 10; first += perWindow, index++) {
    const digits = first + perWindow - 1 === first ? `${first}` : `[${first}-${first + perWindow - 1}]`;
    out.push(`"~^(\\d+)\\.${digits}" $1:${index};`);
  }
  return out;
}

/**
 * A file-name segment as it may appear raw in a request line: RFC 3986 pchar (unreserved,
 * %-escapes, sub-delims but `$`/`;`, `:`/`@`). Raw bytes outside printable ASCII (invalid UTF-8,
 * control bytes) never match, so such a path is a 404 from nginx instead of a request that Node's
 * HTTP parser would refuse on the auth hop (which the edge could only report as a 503).
 */
const FILE_SEGMENT = "[A-Za-z0-9._~%!&'()*+,=:@-]{1,765}";

/** The strictly shaped media paths (raw, still %-encoded), each as `regex` → `$1` after the prefix. */
const MEDIA_PATHS = [
  ['m', 'media', `(/[A-Za-z0-9_-]{1,1024}/[0-9a-f-]{36}/${FILE_SEGMENT})`],
  ['d', 'download', `(/[A-Za-z0-9_-]{1,1024}/${FILE_SEGMENT})`],
  ['pub', 'public', `(/[0-9a-f-]{36}/${FILE_SEGMENT})`],
] as const;

const mediaPathMap = (variable: string, authPrefix: string): Node =>
  block(
    `map $request_uri ${variable}`,
    'default "";',
    MEDIA_PATHS.map(([route, kind, shape]) => `"~^/${route}${shape}(?:\\?|$)" ${authPrefix}/${kind}$1;`),
  );

/**
 * The http-level text: upstreams with keepalive, the media cache, the auth-decision cache and the
 * origin allow-list maps. For ingress-nginx this is the controller's `http-snippet`. `modes` are
 * the auth modes of the servers that include this text (the local stack serves both).
 */
export function httpContext(v: EdgeValues, modes: readonly AuthMode[] = [v.media.authMode]): Node[] {
  const decision = modes.includes('decision-cache');
  const n = names(v);
  const allow = (source: string, result: string): Node =>
    block(
      `map ${source} ${result}`,
      'default 0;',
      v.origin.allow.map((o) => `${quote(`~${originPattern(o)}`)} 1;`),
    );
  const nodes: Node[] = [
    comment('Gatehouse edge (nginx-ingress/, rendered by render.sh). Do not edit the rendered text.'),
    comment('Services behind the edge; keepalive makes the auth hop of every media request cheap.'),
    upstream(n.auth, v.upstreams.auth.servers, v.upstreams.auth.keepalive),
    upstream(n.media, v.upstreams.media.servers, v.upstreams.media.keepalive),
    upstream(n.feeds, v.upstreams.feeds.servers, v.upstreams.feeds.keepalive),
    upstream(n.billing, v.upstreams.billing.servers, v.upstreams.billing.keepalive),
    upstream(n.analytics, v.upstreams.analytics.servers, v.upstreams.analytics.keepalive),
    upstream(n.web, v.upstreams.web.servers, v.upstreams.web.keepalive),
    '',
    comment(
      'Media cache, keyed by object key (+ slice range): one entry per object however many subscribers.',
    ),
    `proxy_cache_path ${v.cache.path} levels=1:2 keys_zone=${n.mediaZone}:${v.cache.keysZoneSize} max_size=${v.cache.maxSize} inactive=${v.cache.inactive} use_temp_path=off;`,
  ];
  if (decision) {
    nodes.push(
      '',
      comment(
        'The media paths nginx asks auth about (docs/edge-protocol.md, "Media: the cached decision").\n' +
          "Raw $request_uri keeps the client's %-encoding for auth; only strictly shaped paths map\n" +
          '(no dot segments can hide in them), anything else is refused before auth is asked.',
      ),
      mediaPathMap(n.decideUri, '/edge/decide'),
      comment('auth could not decide (503): the client may retry in a second.'),
      block(`map ${n.denyStatus} ${n.retryAfter}`, 'default "";', '503 1;'),
      comment('Internal targets a grant may name; anything else (or ..) lands on a 502.'),
      block(
        `map ${n.targetRaw} ${n.target}`,
        'default /_gh/origin/refused;',
        '/_gh/origin/s3 /_gh/origin/s3;',
        `"~^/_gh/origin/local/(?!.*\\.\\.)[A-Za-z0-9._/-]+$" ${n.targetRaw};`,
      ),
    );
  }
  if (modes.includes('x-accel')) {
    nodes.push(
      '',
      comment(
        'x-accel front door (docs/edge-protocol.md, "Media: auth → nginx (X-Accel-Redirect)"): the same\n' +
          'strictly shaped paths, proxied to the X-Accel responders; anything else is 404 without auth.',
      ),
      mediaPathMap(n.accelUri, '/edge'),
    );
  }
  nodes.push(
    comment(
      "A 416 carries `Content-Range: bytes */size` (RFC 9110): nginx's range filter writes one\n" +
        'itself; a 416 from storage gets it from the size in the grant.',
    ),
    block(`map $sent_http_content_range ${n.unsatisfiedRange}`, `"" "bytes */${n.size}";`, 'default "";'),
  );
  if (decision && v.authCache.enabled) {
    nodes.push(
      comment(
        `Auth grants for at most ${v.authCache.windowMs} ms: the key carries the current window of $msec, so a\n` +
          'grant is never reused after its window (revocation reaches the edge within it).',
      ),
      `proxy_cache_path ${v.authCache.path} levels=1:2 keys_zone=${n.authZone}:16m max_size=256m inactive=10s use_temp_path=off;`,
      block(`map $msec ${n.decideSlot}`, 'default "";', slotEntries(v.authCache.windowMs)),
    );
  }
  if (v.webCache.enabled) {
    nodes.push(
      comment("The web service's immutable assets (/ui/assets/, hashed names); pages and JSON never."),
      `proxy_cache_path ${v.webCache.path} levels=1:2 keys_zone=${n.webZone}:8m max_size=${v.webCache.maxSize} inactive=${v.webCache.valid} use_temp_path=off;`,
      comment("Only a 200 is stored, whatever the answer's own Cache-Control says (a 404 is not immutable)."),
      block(`map $upstream_status ${n.webNoStore}`, 'default 1;', '200 0;'),
    );
  }
  nodes.push(recordsHttpContext(v, n));
  nodes.push(
    '',
    comment('SSRF guard: nginx fetches only from these storage origins (scheme://host:port).'),
    allow(n.origin, n.originAllowed),
    allow(n.redirect, n.redirectAllowed),
    originPools(v, n),
  );
  return nodes;
}

/**
 * Kept-open connections to the `origin.pooled` origins. A variable proxy_pass opens a connection
 * per fetch; one naming an `upstream` (a host without a port) reuses that upstream's idle ones.
 * So a pooled origin's URL is rewritten to its upstream, and Host stays the presigned one.
 */
function originPools(v: EdgeValues, n: ReturnType<typeof names>): Node[] {
  if (v.origin.pooled.length === 0) return [];
  const pattern = (o: string) => quote(`~${originPattern(o)}(?<${n.originRest}>.*)$`);
  return [
    comment('Storage origins with a fixed address: connections kept open (origin.pooled).'),
    ...v.origin.pooled.map((o, i) => upstream(`${n.originPool}_${i}`, [new URL(o).host], 16)),
    block(
      `map ${n.origin} ${n.originPass}`,
      `default ${n.origin};`,
      v.origin.pooled.map((o, i) => `${pattern(o)} http://${n.originPool}_${i}/$${n.originRest};`),
    ),
    block(
      `map ${n.origin} ${n.originHost}`,
      'default $proxy_host;',
      v.origin.pooled.map((o) => `${quote(`~${originPattern(o)}`)} ${quote(new URL(o).host)};`),
    ),
  ];
}
