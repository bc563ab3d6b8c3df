/**
 * Conditional GET (RFC 9110 §13). If-None-Match wins over If-Modified-Since; If-None-Match uses
 * weak comparison (a `W/` prefix is ignored), and a tag that differs only by our `-gz` suffix
 * names the same content in another encoding, so it matches too — a client that switched
 * Accept-Encoding still gets its 304.
 */
const opaque = (tag: string) => tag.trim().replace(/^W\//, '').replace(/-gz"$/, '"');

export function isNotModified(
  request: { ifNoneMatch: string | undefined; ifModifiedSince: string | undefined },
  etag: string,
  lastModified: number,
): boolean {
  if (request.ifNoneMatch !== undefined) {
    const wanted = opaque(etag);
    return request.ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === wanted);
  }
  if (request.ifModifiedSince !== undefined) {
    const since = Date.parse(request.ifModifiedSince);
    // HTTP dates have second precision: compare whole seconds.
    return !Number.isNaN(since) && Math.floor(lastModified / 1000) * 1000 <= since;
  }
  return false;
}

/** The gzip variant of a strong tag: a different representation must not share the tag. */
export const gzipEtag = (etag: string) => `${etag.slice(0, -1)}-gz"`;

/** True when Accept-Encoding allows gzip (q > 0). */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (!acceptEncoding) return false;
  for (const part of acceptEncoding.split(',')) {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding !== 'gzip' && coding !== 'x-gzip' && coding !== '*') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (!q || Number(q.slice(2)) > 0) return true;
  }
  return false;
}
