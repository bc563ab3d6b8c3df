import type { EdgeRequestKind } from '@gatehouse/contracts';

/**
 * One line of the nginx records log (format `gh_edge_records`, nginx-ingress/src/edge-records.ts):
 * a JSON object of strings, `-` where nginx had no value. Parsed strictly: a line that is not
 * exactly that is refused with a reason (the shipper counts it), never half-shipped.
 */
export interface EdgeLogLine {
  id: string;
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
}

export type ParsedLine = { ok: true; line: EdgeLogLine } | { ok: false; reason: string };

const KINDS = new Set(['media', 'download', 'public', 'feed']);
const VIAS = new Set(['public', 'early_access', 'lifecycle', 'plan']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MSEC = /^\d{9,11}\.\d{3}$/;
const ID = /^[0-9a-f]{32}$/;
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

function toLine(f: Record<string, unknown>): EdgeLogLine {
  const id = text(f.id, 'id');
  if (!ID.test(id)) throw new LineError('id not 32 hex');
  const msec = text(f.msec, 'msec');
  if (!MSEC.test(msec)) throw new LineError('msec malformed');
  const kind = text(f.kind, 'kind');
  if (!KINDS.has(kind)) throw new LineError('kind unknown');
  const method = text(f.method, 'method');
  if (!METHOD.test(method)) throw new LineError('method malformed');
  const size = optional(f.size, 'size');
  const via = optional(f.access, 'access');
  if (via !== null && !VIAS.has(via)) throw new LineError('access unknown');
  const ua = text(f.ua, 'ua');
  const address = text(f.addr, 'addr');
  if (absent(address)) throw new LineError('addr missing');
  return {
    id,
    at: isoOfMsec(msec),
    kind: kind as EdgeRequestKind,
    method,
    status: integer(text(f.status, 'status'), 'status'),
    bytesSent: integer(text(f.bytes, 'bytes'), 'bytes'),
    range: optional(f.range, 'range'),
    contentRange: optional(f.contentRange, 'contentRange'),
    objectSize: size === null ? null : integer(size, 'size'),
    tenantId: uuid(f.tenant, 'tenant'),
    subscriberId: uuid(f.subscriber, 'subscriber'),
    episodeId: uuid(f.episode, 'episode'),
    via: via as EdgeLogLine['via'],
    userAgent: ua === '-' ? '' : ua.length > 512 ? ua.slice(0, 512) : ua,
    address,
  };
}
