import type { EdgeValues } from './edge-values.ts';
import { comment, type Node } from './nginx-text.ts';

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
    grant: `$${p}_grant`,
  };
}

/** Request kinds by the route's path prefix; any other request is no record (the kind stays unset). */
export const RECORD_KINDS = {
  '/m/': 'media',
  '/d/': 'download',
  '/pub/': 'public',
  '/f/': 'feed',
} as const;

/** http-level: the JSON line format (`escape=json` escapes every value). */
export function recordsHttpContext(
  v: EdgeValues,
  vars: { tenant: string; subscriber: string; size: string },
) {
  if (!v.records.enabled) return [];
  const r = recordNames(v);
  const fields: [string, string][] = [
    // Which request this was; the shipper derives the record id from it and `msec`
    // (services/analytics/src/shipper/record-id.ts). Not `$request_id`: its RAND_bytes per request
    // was a quarter of what the record cost nginx.
    ['req', '$pid.$connection.$connection_requests'],
    ['msec', '$msec'],
    ['kind', r.kind],
    ['method', '$request_method'],
    ['status', '$status'],
    ['bytes', '$body_bytes_sent'],
    ['range', '$http_range'],
    ['contentRange', '$sent_http_content_range'],
    ['size', vars.size],
    // Media grants: auth's one identity header, split by the shipper. Feeds: the tenant and
    // subscriber the feed route captures anyway (it forwards them to feeds).
    ['grant', r.grant],
    ['tenant', vars.tenant],
    ['subscriber', vars.subscriber],
    ['ua', '$http_user_agent'],
    ['addr', '$remote_addr'],
  ];
  const line = `{${fields.map(([name, variable]) => `"${name}":"${variable}"`).join(',')}}`;
  return [
    '',
    comment(
      'Edge records: one JSON line per record; unset variables are logged as "-" (the shipper reads that as null).',
    ),
    `log_format ${r.format} escape=json '${line}';`,
  ] satisfies Node[];
}

/**
 * The record's kind, first thing in each route location (`/m/`, `/d/`, `/pub/`, `/f/`): set in the
 * rewrite phase, before auth is asked or any internal redirect, which keep it; the records log
 * writes a line only where it is set (`if=`). Not a `map` of `$request_uri`: that lookup lowercased
 * and hashed the whole URI, token included, and ran a regex on every request — about 2 600
 * of the 20 700 instructions writing the record cost nginx (bench/edge-records-nginx-instructions.bench.ts).
 */
export function recordsKind(v: EdgeValues, prefix: keyof typeof RECORD_KINDS): string[] {
  return v.records.enabled ? [`set ${recordNames(v).kind} ${RECORD_KINDS[prefix]};`] : [];
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

/** Identity of a decision-cache grant (the auth_request subrequest's `X-Gatehouse-Grant`). */
export function recordsGrantCapture(v: EdgeValues): string[] {
  if (!v.records.enabled) return [];
  return [`auth_request_set ${recordNames(v).grant} $upstream_http_x_gatehouse_grant;`];
}

/** Identity of an X-Accel grant: auth's answer is still `$upstream_http_*` in the target location. */
export function recordsAccelCapture(v: EdgeValues): string[] {
  if (!v.records.enabled) return [];
  return [`set ${recordNames(v).grant} $upstream_http_x_gatehouse_grant;`];
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
