import type { EdgeValues } from './edge-values.ts';
import { block, comment, type Node } from './nginx-text.ts';

/**
 * Edge records (issue 11, contract in packages/contracts/src/edge-records.ts): one JSON line per
 * media, download, public-media and private-feed request, written by nginx to a buffered file that
 * the records shipper (services/analytics/src/shipper) tails, hashes and publishes to JetStream.
 * Identity comes from auth's grant (`auth_request_set` of its X-Gatehouse-* headers), never from
 * the token. Field names here are what the shipper's line parser reads (edge-log-line.ts).
 */
export function recordNames(v: EdgeValues) {
  const p = v.prefix;
  return {
    format: `${p}_edge_records`,
    kind: `$${p}_record_kind`,
    episode: `$${p}_episode`,
    access: `$${p}_access`,
  };
}

/** Request kinds by path prefix; anything else is no record (map default ""). */
const KINDS = [
  ['/m/', 'media'],
  ['/d/', 'download'],
  ['/pub/', 'public'],
  ['/f/', 'feed'],
] as const;

/** http-level: the kind map and the JSON line format (`escape=json` escapes every value). */
export function recordsHttpContext(
  v: EdgeValues,
  vars: { tenant: string; subscriber: string; size: string },
) {
  if (!v.records.enabled) return [];
  const r = recordNames(v);
  const fields: [string, string][] = [
    ['id', '$request_id'],
    ['msec', '$msec'],
    ['kind', r.kind],
    ['method', '$request_method'],
    ['status', '$status'],
    ['bytes', '$body_bytes_sent'],
    ['range', '$http_range'],
    ['contentRange', '$sent_http_content_range'],
    ['size', vars.size],
    ['tenant', vars.tenant],
    ['subscriber', vars.subscriber],
    ['episode', r.episode],
    ['access', r.access],
    ['ua', '$http_user_agent'],
    ['addr', '$remote_addr'],
  ];
  const line = `{${fields.map(([name, variable]) => `"${name}":"${variable}"`).join(',')}}`;
  return [
    '',
    comment('Edge records: which requests write one (by the client path; internal redirects keep it).'),
    block(
      `map $request_uri ${r.kind}`,
      'default "";',
      KINDS.map(([path, kind]) => `"~^${path}" ${kind};`),
    ),
    comment('One JSON line per record; unset variables are logged as "-" (the shipper reads that as null).'),
    `log_format ${r.format} escape=json '${line}';`,
  ] satisfies Node[];
}

/** The records log directive, for every location a record request can end in. */
export function recordsAccessLog(v: EdgeValues): string {
  const r = recordNames(v);
  const buffered = v.records.buffer ? ` buffer=${v.records.buffer} flush=${v.records.flush}` : '';
  return `access_log ${v.records.path} ${r.format}${buffered} if=${r.kind};`;
}

export function recordsLog(v: EdgeValues): string[] {
  // Denials and feeds never set the grant's variables: "-" in the record, no warning per request.
  return [recordsAccessLog(v), 'uninitialized_variable_warn off;'];
}

/** Identity of a decision-cache grant (the auth_request subrequest's headers). */
export function recordsGrantCapture(v: EdgeValues, vars: { tenant: string; subscriber: string }): string[] {
  if (!v.records.enabled) return [];
  const r = recordNames(v);
  return [
    `auth_request_set ${vars.tenant} $upstream_http_x_gatehouse_tenant_id;`,
    `auth_request_set ${vars.subscriber} $upstream_http_x_gatehouse_subscriber_id;`,
    `auth_request_set ${r.episode} $upstream_http_x_gatehouse_episode_id;`,
    `auth_request_set ${r.access} $upstream_http_x_gatehouse_access;`,
  ];
}

/** Identity of an X-Accel grant: auth's answer is still `$upstream_http_*` in the target location. */
export function recordsAccelCapture(v: EdgeValues, vars: { tenant: string; subscriber: string }): string[] {
  if (!v.records.enabled) return [];
  const r = recordNames(v);
  return [
    `set ${vars.tenant} $upstream_http_x_gatehouse_tenant_id;`,
    `set ${vars.subscriber} $upstream_http_x_gatehouse_subscriber_id;`,
    `set ${r.episode} $upstream_http_x_gatehouse_episode_id;`,
    `set ${r.access} $upstream_http_x_gatehouse_access;`,
  ];
}

/**
 * The client address nginx records (and passes on as X-Forwarded-For/X-Real-IP): the peer, or,
 * from trusted proxies only, the address they forwarded (realip module). ingress-nginx configures
 * this itself (`use-forwarded-headers`, `proxy-real-ip-cidr`), so its snippet has none.
 */
export function realIpDirectives(v: EdgeValues): string[] {
  if (v.realIp.from.length === 0) return [];
  return [
    ...v.realIp.from.map((cidr) => `set_real_ip_from ${cidr};`),
    `real_ip_header ${v.realIp.header};`,
    `real_ip_recursive ${v.realIp.recursive ? 'on' : 'off'};`,
  ];
}
