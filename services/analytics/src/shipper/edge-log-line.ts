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

const absent = (value: string) => value === '-' || value === '';

class LineError extends Error {}

function text(fields: Record<string, unknown>, name: string): string {
  const value = fields[name];
  if (typeof value !== 'string') throw new LineError(`${name} missing`);
  return value;
}

function optional(fields: Record<string, unknown>, name: string, max = 256): string | null {
  const value = text(fields, name);
  return absent(value) ? null : value.slice(0, max);
}

function integer(value: string, name: string): number {
  if (!/^\d{1,15}$/.test(value)) throw new LineError(`${name} not an integer`);
  return Number(value);
}

function uuid(fields: Record<string, unknown>, name: string): string | null {
  const value = optional(fields, name);
  if (value !== null && !UUID.test(value)) throw new LineError(`${name} not a uuid`);
  return value;
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
  const id = text(f, 'id');
  if (!/^[0-9a-f]{32}$/.test(id)) throw new LineError('id not 32 hex');
  const msec = text(f, 'msec');
  if (!MSEC.test(msec)) throw new LineError('msec malformed');
  const kind = text(f, 'kind');
  if (!KINDS.has(kind)) throw new LineError('kind unknown');
  const method = text(f, 'method');
  if (!/^[A-Z]{1,16}$/.test(method)) throw new LineError('method malformed');
  const size = optional(f, 'size');
  const via = optional(f, 'access');
  if (via !== null && !VIAS.has(via)) throw new LineError('access unknown');
  const ua = text(f, 'ua');
  const address = text(f, 'addr');
  if (absent(address)) throw new LineError('addr missing');
  return {
    id,
    at: new Date(Math.round(Number(msec) * 1000)).toISOString(),
    kind: kind as EdgeRequestKind,
    method,
    status: integer(text(f, 'status'), 'status'),
    bytesSent: integer(text(f, 'bytes'), 'bytes'),
    range: optional(f, 'range'),
    contentRange: optional(f, 'contentRange'),
    objectSize: size === null ? null : integer(size, 'size'),
    tenantId: uuid(f, 'tenant'),
    subscriberId: uuid(f, 'subscriber'),
    episodeId: uuid(f, 'episode'),
    via: via as EdgeLogLine['via'],
    userAgent: ua === '-' ? '' : ua.slice(0, 512),
    address,
  };
}
