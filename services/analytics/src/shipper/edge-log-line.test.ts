import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EP, nginxLine, SUB, TENANT } from './edge-log-line.fixture.ts';
import { parseEdgeLogLine } from './edge-log-line.ts';

test('a granted range request: typed fields, time from $msec, identity from the grant', () => {
  const parsed = parseEdgeLogLine(nginxLine());
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.line, {
    request: '4242.1001.3',
    id: null,
    at: '2025-12-03T02:20:00.123Z',
    kind: 'media',
    method: 'GET',
    status: 206,
    bytesSent: 2,
    range: 'bytes=0-1',
    contentRange: 'bytes 0-1/1048576',
    objectSize: 1048576,
    tenantId: TENANT,
    subscriberId: SUB,
    episodeId: EP,
    via: 'plan',
    userAgent: 'AppleCoreMedia/1.0.0 (iPhone; \u00e9)',
    address: '203.0.113.9',
  });
});

test('a denied request: "-" fields are null, a missing user agent is empty', () => {
  const parsed = parseEdgeLogLine(
    nginxLine({
      status: '403',
      bytes: '14',
      range: '-',
      contentRange: '-',
      size: '-',
      grant: '-',
      tenant: '-',
      subscriber: '-',
      ua: '-',
    }),
  );
  assert.ok(parsed.ok);
  const { range, contentRange, objectSize, tenantId, subscriberId, episodeId, via, userAgent } = parsed.line;
  assert.deepEqual(
    { range, contentRange, objectSize, tenantId, subscriberId, episodeId, via, userAgent },
    {
      range: null,
      contentRange: null,
      objectSize: null,
      tenantId: null,
      subscriberId: null,
      episodeId: null,
      via: null,
      userAgent: '',
    },
  );
});

test('a line of an older config carries its own id ($request_id)', () => {
  const { req: _, ...fields } = JSON.parse(nginxLine()) as Record<string, string>;
  const parsed = parseEdgeLogLine(JSON.stringify({ id: 'a1b2c3d4e5f60718293a4b5c6d7e8f90', ...fields }));
  assert.ok(parsed.ok);
  assert.equal(parsed.line.id, 'a1b2c3d4e5f60718293a4b5c6d7e8f90');
  assert.equal(parsed.line.request, null);
});

test('identity: a feed’s from its route’s fields, a public grant’s without tenant or subscriber', () => {
  const feed = parseEdgeLogLine(nginxLine({ kind: 'feed', grant: '-', tenant: TENANT, subscriber: SUB }));
  assert.ok(feed.ok);
  const who = ({ tenantId, subscriberId, episodeId, via }: typeof feed.line) => ({
    tenantId,
    subscriberId,
    episodeId,
    via,
  });
  assert.deepEqual(who(feed.line), { tenantId: TENANT, subscriberId: SUB, episodeId: null, via: null });
  const pub = parseEdgeLogLine(nginxLine({ kind: 'public', grant: `- - ${EP} public` }));
  assert.ok(pub.ok);
  assert.deepEqual(who(pub.line), { tenantId: null, subscriberId: null, episodeId: EP, via: 'public' });
  // A line of an older config: the grant's four parts as fields of their own.
  const { grant: _, ...fields } = JSON.parse(nginxLine()) as Record<string, string>;
  const legacy = parseEdgeLogLine(
    JSON.stringify({ ...fields, tenant: TENANT, subscriber: SUB, episode: EP, access: 'plan' }),
  );
  assert.ok(legacy.ok);
  assert.deepEqual(who(legacy.line), { tenantId: TENANT, subscriberId: SUB, episodeId: EP, via: 'plan' });
});

test('long values are cut to the contract limits', () => {
  const parsed = parseEdgeLogLine(nginxLine({ ua: 'u'.repeat(2000), range: `bytes=${'1,'.repeat(400)}1` }));
  assert.ok(parsed.ok);
  assert.equal(parsed.line.userAgent.length, 512);
  assert.equal(parsed.line.range?.length, 256);
});

test('anything else is refused with a reason, never half parsed', () => {
  const cases: [string, RegExp][] = [
    ['{"id":', /not JSON/],
    ['[1,2]', /not an object/],
    [nginxLine({ req: 'nope' }), /req/],
    [nginxLine({ req: '1.2' }), /req/],
    [JSON.stringify({ ...JSON.parse(nginxLine()), req: undefined, id: 'nope' }), /id/],
    [nginxLine({ msec: 'yesterday' }), /msec/],
    [nginxLine({ kind: 'api' }), /kind/],
    [nginxLine({ method: 'get;' }), /method/],
    [nginxLine({ status: '2x6' }), /status/],
    [nginxLine({ bytes: '-1' }), /bytes/],
    [nginxLine({ grant: `not-a-uuid ${SUB} ${EP} plan` }), /tenant/],
    [nginxLine({ grant: `${TENANT} ${SUB} ${EP} stolen` }), /access/],
    [nginxLine({ grant: `${TENANT} ${SUB} ${EP}` }), /grant/],
    [nginxLine({ grant: '-', tenant: 'not-a-uuid' }), /tenant/],
    [nginxLine({ addr: '-' }), /addr/],
    [JSON.stringify({ id: 'a1b2c3d4e5f60718293a4b5c6d7e8f90' }), /missing/],
  ];
  for (const [line, reason] of cases) {
    const parsed = parseEdgeLogLine(line);
    assert.equal(parsed.ok, false, line);
    if (!parsed.ok) assert.match(parsed.reason, reason, line);
  }
});
