import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { DailySalts, type SaltStore } from './daily-salt.ts';
import { nginxLine } from './edge-log-line.fixture.ts';
import { type EdgeLogLine, parseEdgeLogLine } from './edge-log-line.ts';
import { EdgeRecordBuilder } from './edge-record-builder.ts';
import { edgeRecordId } from './record-id.ts';

/** In-memory double of our SaltStore: first claim wins, like SET NX. */
class MemorySaltStore implements SaltStore {
  readonly salts = new Map<string, string>();
  claims = 0;
  async claim(day: string, candidate: string) {
    this.claims++;
    if (!this.salts.has(day)) this.salts.set(day, candidate);
    return this.salts.get(day) as string;
  }
}

const INSTANCE = '0123456789abcdef0123456789abcdef';

const buildEdgeRecord = async (parsed: EdgeLogLine, salts: DailySalts) =>
  new EdgeRecordBuilder(salts, INSTANCE).build(parsed);

const line = (over: Record<string, string> = {}): EdgeLogLine => {
  const parsed = parseEdgeLogLine(nginxLine(over));
  assert.ok(parsed.ok);
  return parsed.line;
};

test('the address is hashed with its day’s salt and dropped; the network is kept', async () => {
  const store = new MemorySaltStore();
  const built = await buildEdgeRecord(line(), new DailySalts(store, 86_400));
  assert.ok(built.ok);
  const salt = Buffer.from(store.salts.get('2025-12-03') as string, 'hex');
  assert.equal(built.record.ipHash, createHmac('sha256', salt).update('203.0.113.9').digest('hex'));
  assert.equal(built.record.network, '203.0.113.0/24');
  assert.equal(built.record.saltDay, '2025-12-03');
  assert.ok(!JSON.stringify(built.record).includes('203.0.113.9'), 'no raw address in the record');
});

test('replicas share a day’s salt (first claim wins); days differ; one listener’s /64 hashes alike', async () => {
  const store = new MemorySaltStore();
  const a = new DailySalts(store, 86_400);
  const b = new DailySalts(store, 86_400);
  const one = await buildEdgeRecord(line({ addr: '2001:db8:7:8::1' }), a);
  const two = await buildEdgeRecord(line({ addr: '2001:db8:7:8:ffff::2' }), b);
  assert.ok(one.ok && two.ok);
  assert.equal(one.record.ipHash, two.record.ipHash);
  assert.equal(one.record.network, '2001:db8:7:8::/64');
  const nextDay = await buildEdgeRecord(line({ addr: '2001:db8:7:8::1', msec: '1764806400.000' }), a);
  assert.ok(nextDay.ok);
  assert.equal(nextDay.record.saltDay, '2025-12-04');
  assert.notEqual(nextDay.record.ipHash, one.record.ipHash, 'a new day, a new salt');
  // Cached per process: the store is asked once per day per replica.
  await buildEdgeRecord(line(), a);
  assert.equal(store.claims, 3);
});

test('the id comes from the edge, $msec and pid.connection.request: the same line, the same id', async () => {
  const salts = new DailySalts(new MemorySaltStore(), 86_400);
  const idOf = async (over: Record<string, string>, instance = INSTANCE) => {
    const built = await new EdgeRecordBuilder(salts, instance).build(line(over));
    assert.ok(built.ok);
    return built.record.id;
  };
  const first = await idOf({});
  assert.match(first, /^[0-9a-f]{32}$/);
  assert.equal(await idOf({}), first, 'a re-read line is re-published under the same id');
  const others = [
    await idOf({ req: '4243.1001.3' }), // another worker
    await idOf({ req: '4242.1002.3' }), // another connection
    await idOf({ req: '4242.1001.4' }), // the next request on the connection
    await idOf({ msec: '1764728400.124' }), // the same numbers after an nginx restart
    await idOf({}, 'fedcba9876543210fedcba9876543210'), // another edge
  ];
  assert.equal(new Set([first, ...others]).size, 6);
  // A line of an older config keeps the id nginx logged.
  const { req: _, ...fields } = JSON.parse(nginxLine()) as Record<string, string>;
  const legacy = parseEdgeLogLine(JSON.stringify({ ...fields, id: 'b'.repeat(32) }));
  assert.ok(legacy.ok);
  const built = await new EdgeRecordBuilder(salts, INSTANCE).build(legacy.line);
  assert.ok(built.ok);
  assert.equal(built.record.id, 'b'.repeat(32));
});

test('a line the contract refuses is reported, not built', async () => {
  const salts = new DailySalts(new MemorySaltStore(), 86_400);
  const bad = await buildEdgeRecord({ ...line(), address: 'not-an-ip' }, salts);
  assert.deepEqual(bad, { ok: false, reason: 'addr not an IP address' });
  const schema = await buildEdgeRecord({ ...line(), status: 1000 }, salts);
  assert.equal(schema.ok, false);
  if (!schema.ok) assert.match(schema.reason, /schema \/status/);
});

test('a malformed salt in the store is an error, not a weak hash', async () => {
  const store: SaltStore = { claim: async () => 'short' };
  await assert.rejects(new DailySalts(store, 86_400).forDay('2025-12-03'), /malformed/);
});

test('an address is hashed once per day and remembered; another day or address is hashed anew', async () => {
  const store = new MemorySaltStore();
  const builder = new EdgeRecordBuilder(new DailySalts(store, 86_400), INSTANCE, { maxAddresses: 2 });
  const hash = async (over: Record<string, string>) => {
    const built = await builder.build(line(over));
    assert.ok(built.ok);
    return built.record;
  };
  const salt = (day: string) => Buffer.from(store.salts.get(day) as string, 'hex');
  const expected = (day: string, input: string) =>
    createHmac('sha256', salt(day)).update(input).digest('hex');
  const a = await hash({ addr: '198.51.100.7' });
  assert.equal(a.ipHash, expected('2025-12-03', '198.51.100.7'));
  assert.deepEqual(await hash({ addr: '198.51.100.7', req: '4242.1001.4' }), {
    ...a,
    id: edgeRecordId(INSTANCE, a.at, '4242.1001.4'),
  });
  const nextDay = await hash({ addr: '198.51.100.7', msec: '1764806400.000' });
  assert.equal(
    nextDay.ipHash,
    expected('2025-12-04', '198.51.100.7'),
    'the cached hash of the day before is not reused',
  );
  // Past the bound the oldest address goes; hashes stay right.
  for (const addr of ['198.51.100.8', '198.51.100.9', '198.51.100.7']) {
    assert.equal((await hash({ addr })).ipHash, expected('2025-12-03', addr));
  }
  const bad = await builder.build({ ...line(), address: 'not-an-ip' });
  assert.deepEqual(bad, { ok: false, reason: 'addr not an IP address' });
});
