/** Lines as nginx writes them (format gh_edge_records), for the shipper's unit tests. */
export const TENANT = '11111111-2222-4333-8444-555555555555';
export const SUB = '21111111-2222-4333-8444-555555555555';
export const EP = '31111111-2222-4333-8444-555555555555';

/** A line as nginx writes it with `escape=json` (every value a string, `-` when unset). */
export function nginxLine(over: Record<string, string> = {}): string {
  return JSON.stringify({
    req: '4242.1001.3',
    msec: '1764728400.123',
    kind: 'media',
    method: 'GET',
    status: '206',
    bytes: '2',
    range: 'bytes=0-1',
    contentRange: 'bytes 0-1/1048576',
    size: '1048576',
    grant: `${TENANT} ${SUB} ${EP} plan`,
    tenant: '-',
    subscriber: '-',
    ua: 'AppleCoreMedia/1.0.0 (iPhone; \u00e9)',
    addr: '203.0.113.9',
    ...over,
  });
}
