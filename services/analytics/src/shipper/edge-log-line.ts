import type { EdgeRequestKind } from '@gatehouse/contracts';

/**
 * Which request of the edge a line is: `request` = `$pid.$connection.$connection_requests`, from
 * which the shipper derives the record id (record-id.ts); or, in lines of an older config, the id
 * nginx logged itself (`$request_id`).
 */
export type EdgeLineKey = { request: string; id: null } | { request: null; id: string };

/**
 * One line of the nginx records log (format `gh_edge_records`, nginx-ingress/src/edge-records.ts):
 * a JSON object of strings, `-` where nginx had no value. Parsed strictly: a line that is not
 * exactly that is refused with a reason (the shipper counts it), never half-shipped.
 */
export type EdgeLogLine = EdgeLineKey & {
  at: string;
  kind: EdgeRequestKind;
  method: string;
  status: number;
  bytesSent: number;
  range: string | null;
  contentRange: string | null;
  objectSize: number | null;
  tenantId: string | null;
  subscriberId: string | null;
  episodeId: string | null;
  via: 'public' | 'early_access' | 'lifecycle' | 'plan' | null;
  userAgent: string;
  /** The client address as nginx resolved it; the shipper hashes it and drops it. */
  address: string;
};

export type ParsedLine = { ok: true; line: EdgeLogLine } | { ok: false; reason: string };

const KINDS = new Set(['media', 'download', 'public', 'feed']);
const VIAS = new Set(['public', 'early_access', 'lifecycle', 'plan']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MSEC = /^\d{9,11}\.\d{3}$/;
const ID = /^[0-9a-f]{32}$/;
const REQUEST = /^\d{1,10}\.\d{1,20}\.\d{1,10}$/;
const METHOD = /^[A-Z]{1,16}$/;

const absent = (value: string) => value === '-' || value === '';

class LineError extends Error {}

function text(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new LineError(`${name} missing`);
  return value;
}

function optional(value: unknown, name: string, max = 256): string | null {
  const s = text(value, name);
  if (absent(s)) return null;
  return s.length > max ? s.slice(0, max) : s;
}

function integer(value: string, name: string): number {
  if (!/^\d{1,15}$/.test(value)) throw new LineError(`${name} not an integer`);
  return Number(value);
}

function uuid(value: unknown, name: string): string | null {
  const s = optional(value, name);
  if (s !== null && !UUID.test(s)) throw new LineError(`${name} not a uuid`);
  return s;
}

/**
 * `$msec` → ISO-8601 UTC with milliseconds. Lines come in time order, so the text of the last
 * second is kept and only the milliseconds are appended (a Date per line was a visible part of the
 * shipper's CPU per record).
 */
let lastSecond = '';
let lastSecondIso = '';
function isoOfMsec(msec: string): string {
  const dot = msec.length - 4;
  const second = msec.slice(0, dot);
  if (second !== lastSecond) {
    lastSecondIso = new Date(Number(second) * 1000).toISOString().slice(0, 19);
    lastSecond = second;
  }
  return `${lastSecondIso}.${msec.slice(dot + 1)}Z`;
}

export function parseEdgeLogLine(raw: string): ParsedLine {
  let fields: unknown;
  try {
    fields = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields))
    return { ok: false, reason: 'not an object' };
  try {
    return { ok: true, line: toLine(fields as Record<string, unknown>) };
  } catch (error) {
    if (error instanceof LineError) return { ok: false, reason: error.message };
    throw error;
  }
}

function lineKey(f: Record<string, unknown>): EdgeLineKey {
  if (f.req === undefined) {
    const id = text(f.id, 'id');
    if (!ID.test(id)) throw new LineError('id not 32 hex');
    return { request: null, id };
  }
  const request = text(f.req, 'req');
  if (!REQUEST.test(request)) throw new LineError('req not pid.connection.request');
  return { request, id: null };
}

/**
 * Who was granted. A media grant's identity is auth's one `X-Gatehouse-Grant` header
 * (`<tenant> <subscriber> <episode> <access>`, `-` for none) in `grant`; a feed's is the tenant and
 * subscriber its route captured. Lines of an older config carry all four as fields of their own.
 */
function grantIdentity(f: Record<string, unknown>) {
  const grant = f.grant === undefined ? null : optional(f.grant, 'grant');
  if (grant === null)
    return {
      tenant: f.tenant,
      subscriber: f.subscriber,
      episode: f.episode ?? '-',
      via: optional(f.access ?? '-', 'access'),
    };
  const parts = grant.split(' ');
  if (parts.length !== 4) throw new LineError('grant not four fields');
  const [tenant, subscriber, episode, access] = parts as [string, string, string, string];
  return { tenant, subscriber, episode, via: absent(access) ? null : access };
}

function toLine(f: Record<string, unknown>): EdgeLogLine {
  const key = lineKey(f);
  const msec = text(f.msec, 'msec');
  if (!MSEC.test(msec)) throw new LineError('msec malformed');
  const kind = text(f.kind, 'kind');
  if (!KINDS.has(kind)) throw new LineError('kind unknown');
  const method = text(f.method, 'method');
  if (!METHOD.test(method)) throw new LineError('method malformed');
  const size = optional(f.size, 'size');
  const identity = grantIdentity(f);
  const via = identity.via;
  if (via !== null && !VIAS.has(via)) throw new LineError('access unknown');
  const ua = text(f.ua, 'ua');
  const address = text(f.addr, 'addr');
  if (absent(address)) throw new LineError('addr missing');
  return {
    ...key,
    at: isoOfMsec(msec),
    kind: kind as EdgeRequestKind,
    method,
    status: integer(text(f.status, 'status'), 'status'),
    bytesSent: integer(text(f.bytes, 'bytes'), 'bytes'),
    range: optional(f.range, 'range'),
    contentRange: optional(f.contentRange, 'contentRange'),
    objectSize: size === null ? null : integer(size, 'size'),
    tenantId: uuid(identity.tenant, 'tenant'),
    subscriberId: uuid(identity.subscriber, 'subscriber'),
    episodeId: uuid(identity.episode, 'episode'),
    via: via as EdgeLogLine['via'],
    userAgent: ua === '-' ? '' : ua.length > 512 ? ua.slice(0, 512) : ua,
    address,
  };
}
