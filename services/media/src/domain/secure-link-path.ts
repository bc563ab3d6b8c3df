import { AppError } from '@gatehouse/errors';

/**
 * Which paths a tenant may sign nginx `secure_link` links for (seed 003). The edge serves
 * `/s/{prefix}{path}` from its `secureLink.root` for the configured private prefixes; inside one prefix
 * each tenant owns `{prefix}t/{tenantId}/…`. Nothing at the edge knows tenants, so this check at issue
 * time is the only thing keeping one tenant from handing out links to another's files.
 *
 * Paths are signed as nginx sees them (`$uri`, decoded and normalized), so anything nginx would
 * rewrite or decode differently is refused rather than signed into a dead — or surprising — link.
 */

/** Stable error codes of the rules below (clients and tests match on them). */
export const SECURE_LINK_PATH_INVALID = 'SECURE_LINK_PATH_INVALID';
export const SECURE_LINK_PATH_FORBIDDEN = 'SECURE_LINK_PATH_FORBIDDEN';

const MAX_PATH = 1024;
// One segment: what both the edge's `/s/` location regex and the storage key rules accept, and no
// leading dot (no `.`/`..`, no hidden files such as the local driver's temporary directory).
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}$/;
const PREFIX = /^[A-Za-z0-9._-]+\/$/;
const TENANT_ID = /^[A-Za-z0-9-]{1,64}$/;

const invalid = (reason: string) =>
  new AppError(SECURE_LINK_PATH_INVALID, 400, `invalid secure link path: ${reason}`);
const forbidden = () =>
  new AppError(SECURE_LINK_PATH_FORBIDDEN, 403, "path is outside this tenant's private area");

/** Checks a configured prefix (`SECURE_LINK_PREFIX`, e.g. `private/`) once at start. */
export function assertSecureLinkPrefix(prefix: string): void {
  if (!PREFIX.test(prefix) || prefix.startsWith('.'))
    throw new TypeError('secure link prefix must look like private/');
}

/** `{prefix}t/{tenantId}/` — the tenant's own directory under the private prefix. */
export function tenantArea(prefix: string, tenantId: string): string {
  assertSecureLinkPrefix(prefix);
  if (!TENANT_ID.test(tenantId)) throw new TypeError('tenant id is not an id');
  return `${prefix}t/${tenantId}/`;
}

/** Splits and checks a relative path; throws a 400 AppError naming what is wrong. */
function checkedSegments(path: string): string[] {
  if (path.length === 0 || path.length > MAX_PATH) throw invalid(`length must be 1–${MAX_PATH}`);
  // `%` first: an encoded separator or dot (%2F, %2e) must not be decoded into a different path.
  if (path.includes('%')) throw invalid('percent-encoded characters are not allowed');
  if (path.includes('\\')) throw invalid('backslashes are not allowed');
  if (path.startsWith('/')) throw invalid('path must be relative (no leading /)');
  const segments = path.split('/');
  for (const segment of segments) {
    if (segment === '') throw invalid('empty segment (//) or trailing /');
    if (segment === '.' || segment === '..') throw invalid('dot segments are not allowed');
    if (!SEGMENT.test(segment))
      throw invalid('segments use [A-Za-z0-9._-] only, do not start with a dot, ≤ 255 characters');
  }
  return segments;
}

/**
 * The path (relative to `/s/`, e.g. `private/t/{tenantId}/reports/q1.pdf`) if the tenant may sign it.
 * Malformed → 400 `SECURE_LINK_PATH_INVALID`; well-formed but not inside the tenant's own area
 * (another tenant, another prefix, the area itself) → 403 `SECURE_LINK_PATH_FORBIDDEN`.
 */
export function tenantSecureLinkPath(input: { path: string; prefix: string; tenantId: string }): string {
  const segments = checkedSegments(input.path);
  const area = tenantArea(input.prefix, input.tenantId);
  const areaSegments = area.slice(0, -1).split('/');
  const inside =
    segments.length > areaSegments.length && areaSegments.every((segment, i) => segments[i] === segment);
  if (!inside) throw forbidden();
  return segments.join('/');
}

/**
 * The storage key of a file a tenant uploads to `relativePath` inside its own area
 * (`PUT /api/v1/private-files/{relativePath}`): `{prefix}t/{tenantId}/{relativePath}`.
 */
export function tenantPrivateFileKey(input: {
  relativePath: string;
  prefix: string;
  tenantId: string;
}): string {
  checkedSegments(input.relativePath);
  return `${tenantArea(input.prefix, input.tenantId)}${input.relativePath}`;
}
