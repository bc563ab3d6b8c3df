import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type EdgeRequestRecord, isEdgeRequestRecord } from '@gatehouse/contracts';
import { uniqueId, waitFor } from '@gatehouse/testkit';
import { type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { privateNats } from '../../packages/outbox/test/private-stack.ts';
import { saltKey } from '../../services/analytics/src/shipper/redis-salt-store.ts';
import {
  createSubscriber,
  createTenant,
  type Episode,
  mintDownloadToken,
  openWorld,
  publishEpisode,
  type Subscriber,
  type Tenant,
  type World,
} from '../edge/edge-fixtures.ts';
import {
  type Child,
  type RecordsEdge,
  startPrivateAuth,
  startRecordsEdge,
  startShipper,
} from './edge-records-rig.ts';

// Issue 11, item 1: one record per media, download, public and feed request, through a real nginx
// (rendered by nginx-ingress with records on), the real auth service and the real shipper, into
// JetStream (the shared NATS; a stream and subject of this test's own).

const dir = mkdtempSync(path.join(tmpdir(), 'gh-edge-records-'));
const id = uniqueId('edgerec').replace(/[^A-Za-z0-9]/g, '');
const stream = `EDGE_TEST_${id}`;
const subject = `ghtest.${id}.edge`;
let world: World;
let auth: Child & { port: number };
let edge: RecordsEdge;
let shipper: Child;
let nc: NatsConnection;
let jsm: JetStreamManager;
let tenant: Tenant;
let subscriber: Subscriber;
let premium: Episode;
let open: Episode;

const shipperFor = (env: NodeJS.ProcessEnv = {}) =>
  startShipper({ edge, natsUrl: world.env.natsUrl, redisUrl: world.env.redisUrl, stream, subject, env });

before(async () => {
  world = openWorld();
  tenant = await createTenant(world);
  subscriber = await createSubscriber(world, tenant);
  premium = await publishEpisode(world, tenant, { storage: 'local', size: 256 * 1024 });
  open = await publishEpisode(world, tenant, { storage: 'local', size: 4096, visibility: 'public' });
  auth = await startPrivateAuth(dir);
  edge = await startRecordsEdge({
    authPort: auth.port,
    protectedDir: path.join(world.env.stackDir, 'protected'),
    records: true,
  });
  nc = await connect({ servers: world.env.natsUrl });
  jsm = await jetstreamManager(nc);
  // Small rotations, so the kill test also crosses rotated files.
  shipper = shipperFor({ EDGE_RECORDS_ROTATE_BYTES: String(256 * 1024) });
});

after(async () => {
  await shipper?.stop();
  await edge?.stop();
  await auth?.stop();
  await jsm?.streams.delete(stream).catch(() => undefined);
  await nc?.close();
  await world?.close();
  rmSync(dir, { recursive: true, force: true });
});

const duplicates = (metrics: string) =>
  Number(/edge_records_shipped_total\{result="duplicate"[^}]*\} (\d+)/.exec(metrics)?.[1] ?? 0);

async function storedCount(): Promise<number> {
  return (await jsm.streams.info(stream).catch(() => undefined))?.state.messages ?? 0;
}

/** Every record in the test's stream, in stream order. */
async function allRecords(): Promise<EdgeRequestRecord[]> {
  const total = await storedCount();
  const consumer = await jetstream(nc).consumers.get(stream);
  const out: EdgeRequestRecord[] = [];
  while (out.length < total) {
    const batch = await consumer.fetch({ max_messages: Math.min(1000, total - out.length), expires: 5000 });
    for await (const message of batch) {
      const record = message.json<EdgeRequestRecord>();
      assert.ok(isEdgeRequestRecord(record), `record ${message.seq} matches the contract`);
      out.push(record);
    }
  }
  return out;
}

const get = (url: string, headers: Record<string, string>, method = 'GET') =>
  fetch(`${edge.url}${url}`, { method, headers }).then(async (r) => {
    await r.arrayBuffer();
    return r.status;
  });

/** Sends tiny range requests from 16 clients until `count` were sent in all (one record each). */
function sender(path: string) {
  let sent = 0;
  return async (count: number) => {
    const workers = Array.from({ length: 16 }, async () => {
      while (sent < count) {
        sent++;
        const status = await get(path, { 'x-forwarded-for': `198.51.100.${sent % 200}`, range: 'bytes=0-1' });
        assert.equal(status, 206);
      }
    });
    await Promise.all(workers);
  };
}

describe('edge records', () => {
  test('one record per media, download, public and feed request, identity from the auth decision', async () => {
    const base = await storedCount();
    const ua = 'Overcast/3.0 (+http://overcast.fm/; iOS podcast app)';
    const v4 = { 'x-forwarded-for': '203.0.113.7', 'user-agent': ua };
    const v6 = { 'x-forwarded-for': '2001:db8:1:2:aaaa::5', 'user-agent': 'AppleCoreMedia/1.0.0.21E236' };
    const m = `/m/${subscriber.token}/${premium.episodeId}/${premium.fileName}`;
    const link = mintDownloadToken(subscriber, premium.episodeId, Math.floor(Date.now() / 1000) + 600);
    const statuses = [
      await get(m, { ...v4, range: 'bytes=0-1' }), // the probe
      await get(m, { ...v4, range: 'bytes=100-199' }),
      await get(m, v4, 'HEAD'),
      await get(m, v4),
      await get(`/m/${'x'.repeat(40)}/${premium.episodeId}/${premium.fileName}`, v4), // forged: denied
      await get(`/pub/${open.episodeId}/${open.fileName}`, { ...v6, range: 'bytes=0-' }),
      await get(`/d/${link}/${premium.fileName}`, { ...v4, range: 'bytes=0-1023' }),
      await get(`/f/${subscriber.token}/${tenant.showId}.xml`, v4),
      await get('/api/v1/anything', v4), // not a record path
    ];
    assert.deepEqual(statuses.slice(0, 7), [206, 206, 200, 200, 401, 206, 206]);
    await waitFor(async () => (await storedCount()) >= base + 8, {
      timeoutMs: 15_000,
      description: '8 records',
    });
    await new Promise((resolve) => setTimeout(resolve, 1500)); // nothing beyond the 8 arrives
    // Each nginx worker flushes its own buffer: stream order is not request order. Put the
    // records in request order by what tells them apart (an unknown one sorts last and fails).
    const order = [
      'media GET 206 bytes=0-1',
      'media GET 206 bytes=100-199',
      'media HEAD 200 null',
      'media GET 200 null',
      'media GET 401 null',
      'public GET 206 bytes=0-',
      'download GET 206 bytes=0-1023',
      `feed GET ${statuses[7]} null`,
    ];
    const rank = (r: EdgeRequestRecord) => {
      const i = order.indexOf(`${r.kind} ${r.method} ${r.status} ${r.range}`);
      return i < 0 ? order.length : i;
    };
    const records = (await allRecords()).slice(base).sort((a, b) => rank(a) - rank(b));
    assert.equal(records.length, 8);
    const pick = ({
      kind,
      method,
      status,
      bytesSent,
      range,
      contentRange,
      objectSize,
    }: EdgeRequestRecord) => ({
      kind,
      method,
      status,
      bytesSent,
      range,
      contentRange,
      objectSize,
    });
    const size = premium.body.length;
    assert.deepEqual(records.map(pick), [
      {
        kind: 'media',
        method: 'GET',
        status: 206,
        bytesSent: 2,
        range: 'bytes=0-1',
        contentRange: `bytes 0-1/${size}`,
        objectSize: size,
      },
      {
        kind: 'media',
        method: 'GET',
        status: 206,
        bytesSent: 100,
        range: 'bytes=100-199',
        contentRange: `bytes 100-199/${size}`,
        objectSize: size,
      },
      {
        kind: 'media',
        method: 'HEAD',
        status: 200,
        bytesSent: 0,
        range: null,
        contentRange: null,
        objectSize: size,
      },
      {
        kind: 'media',
        method: 'GET',
        status: 200,
        bytesSent: size,
        range: null,
        contentRange: null,
        objectSize: size,
      },
      {
        kind: 'media',
        method: 'GET',
        status: 401,
        bytesSent: records[4]!.bytesSent,
        range: null,
        contentRange: null,
        objectSize: null,
      },
      {
        kind: 'public',
        method: 'GET',
        status: 206,
        bytesSent: 4096,
        range: 'bytes=0-',
        contentRange: 'bytes 0-4095/4096',
        objectSize: 4096,
      },
      {
        kind: 'download',
        method: 'GET',
        status: 206,
        bytesSent: 1024,
        range: 'bytes=0-1023',
        contentRange: `bytes 0-1023/${size}`,
        objectSize: size,
      },
      {
        kind: 'feed',
        method: 'GET',
        status: statuses[7]!,
        bytesSent: records[7]!.bytesSent,
        range: null,
        contentRange: null,
        objectSize: null,
      },
    ]);
    const who = ({ tenantId, subscriberId, episodeId, via }: EdgeRequestRecord) => ({
      tenantId,
      subscriberId,
      episodeId,
      via,
    });
    const granted = {
      tenantId: tenant.tenantId,
      subscriberId: subscriber.subscriberId,
      episodeId: premium.episodeId,
      via: 'plan',
    };
    assert.deepEqual(records.map(who), [
      granted,
      granted,
      granted,
      granted,
      { tenantId: null, subscriberId: null, episodeId: null, via: null },
      { tenantId: null, subscriberId: null, episodeId: open.episodeId, via: 'public' },
      granted,
      { tenantId: tenant.tenantId, subscriberId: subscriber.subscriberId, episodeId: null, via: null },
    ]);
    // Addresses: hashed with the day's salt (from Redis), networks kept, the raw address nowhere.
    const day = records[0]!.saltDay;
    const salt = Buffer.from((await world.redis.get(saltKey(day))) as string, 'hex');
    const hash = (text: string) => createHmac('sha256', salt).update(text).digest('hex');
    assert.equal(records[0]!.ipHash, hash('203.0.113.7'));
    assert.equal(records[0]!.network, '203.0.113.0/24');
    assert.equal(records[5]!.ipHash, hash('2001:db8:1:2::/64'));
    assert.equal(records[5]!.network, '2001:db8:1:2::/64');
    assert.equal(records[0]!.userAgent, ua);
    const text = JSON.stringify(records);
    assert.ok(!text.includes('203.0.113.7') && !text.includes('aaaa::5'), 'no raw address on JetStream');
    assert.equal(new Set(records.map((r) => r.id)).size, 8);
    for (const r of records) assert.ok(Math.abs(Date.parse(r.at) - Date.now()) < 60_000, r.at);
  });

  test('the x-accel door writes the same lines: the kind and identity survive its internal redirect', async () => {
    // The kind is set by the route location and the X-Accel-Redirect to the origin target keeps it.
    const accel = await startRecordsEdge({
      authPort: auth.port,
      protectedDir: path.join(world.env.stackDir, 'protected'),
      records: true,
      values: { media: { authMode: 'x-accel', xAccelListen: [] }, records: { buffer: '' } },
    });
    try {
      const at = (url: string, headers: Record<string, string> = {}) =>
        fetch(`${accel.url}${url}`, { headers }).then(async (r) => {
          await r.arrayBuffer();
          return r.status;
        });
      const link = mintDownloadToken(subscriber, premium.episodeId, Math.floor(Date.now() / 1000) + 600);
      const statuses = [
        await at(`/m/${subscriber.token}/${premium.episodeId}/${premium.fileName}`, { range: 'bytes=0-1' }),
        await at(`/m/${'x'.repeat(40)}/${premium.episodeId}/${premium.fileName}`),
        await at(`/pub/${open.episodeId}/${open.fileName}`),
        await at(`/d/${link}/${premium.fileName}`, { range: 'bytes=0-1023' }),
        await at(`/f/${subscriber.token}/${tenant.showId}.xml`),
        await at('/api/v1/anything'),
      ];
      assert.deepEqual(statuses.slice(0, 4), [206, 401, 200, 206]);
      const lines = readFileSync(accel.recordsLog, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, string>);
      assert.deepEqual(
        // The grant is auth's "<tenant> <subscriber> <episode> <access>"; unset is "-" or "" (a `set`
        // from an absent header), which the shipper reads as null.
        lines.map((l) => [l.kind, l.status, l.grant?.split(' ')[2] ?? '']),
        [
          ['media', '206', premium.episodeId],
          ['media', '401', ''],
          ['public', '200', open.episodeId],
          ['download', '206', premium.episodeId],
          ['feed', String(statuses[4]), ''],
        ],
      );
      assert.equal(
        lines[0]?.grant,
        `${tenant.tenantId} ${subscriber.subscriberId} ${premium.episodeId} plan`,
      );
    } finally {
      await accel.stop();
    }
  });

  test('the shipper killed mid-stream (SIGKILL) and restarted: nothing lost, nothing duplicated', async (t) => {
    const base = await storedCount();
    const total = 2_400;
    const m = `/m/${subscriber.token}/${premium.episodeId}/${premium.fileName}`;
    const send = sender(m);
    await send(total / 2);
    // Mid-stream: some lines shipped, some read and published but not checkpointed, some unread.
    await waitFor(async () => (await storedCount()) > base, { timeoutMs: 10_000 });
    await shipper.stop('SIGKILL');
    await send(total);
    shipper = shipperFor({ EDGE_RECORDS_ROTATE_BYTES: String(256 * 1024) });
    await waitFor(async () => (await storedCount()) >= base + total, {
      timeoutMs: 30_000,
      description: `${total} records stored`,
    });
    await new Promise((resolve) => setTimeout(resolve, 2000)); // and no more than that
    const records = (await allRecords()).slice(base);
    assert.equal(records.length, total, 'every request stored exactly once');
    assert.equal(new Set(records.map((r) => r.id)).size, total, 'no id twice');
    assert.ok(records.every((r) => r.kind === 'media' && r.status === 206 && r.bytesSent === 2));
    // The shipper rotated the log meanwhile (~1 MB of lines, rotated at 256 KiB) and retired the
    // rotated files it had shipped.
    const files = readdirSync(path.dirname(edge.recordsLog));
    assert.ok(files.includes('edge-records.log'), files.join(','));
    assert.ok(statSync(edge.recordsLog).size < 512 * 1024, 'rotated');
    const log = readFileSync(path.join(edge.dir, 'logs', 'shipper.log'), 'utf8');
    assert.doesNotMatch(log, /skipped unread/, 'no gap counted');
    const port = [...log.matchAll(/"metricsPort":(\d+)/g)].at(-1)?.[1];
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const count = (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(metrics)?.[1] ?? 0);
    assert.equal(count('edge_records_unparseable_total'), 0);
    // What the restarted shipper re-published and JetStream dropped as duplicates (Nats-Msg-Id).
    t.diagnostic(`re-published after the kill, deduplicated by JetStream: ${duplicates(metrics)}`);

    // The kill above may land after a save; make the worst case certain: a crash after JetStream
    // stored a batch and before the position was saved is a checkpoint behind the acks.
    await shipper.stop('SIGTERM');
    await send(total + 50); // while no shipper runs: the log is the buffer
    shipper = shipperFor({ EDGE_RECORDS_ROTATE_BYTES: '0' });
    await waitFor(async () => (await storedCount()) === base + total + 50, { timeoutMs: 15_000 });
    await shipper.stop('SIGTERM');
    const positionFile = `${edge.recordsLog}.position`;
    const position = JSON.parse(readFileSync(positionFile, 'utf8')) as { ino: number; offset: number };
    assert.equal(position.ino, statSync(edge.recordsLog).ino);
    assert.equal(position.offset, statSync(edge.recordsLog).size, 'a stop saves the end');
    const again = readFileSync(edge.recordsLog, 'utf8').split('\n').filter(Boolean).length;
    assert.ok(again >= 50);
    writeFileSync(positionFile, JSON.stringify({ ...position, offset: 0 }));
    shipper = shipperFor({ EDGE_RECORDS_ROTATE_BYTES: '0' });
    const replayed = await waitFor(
      async () => {
        const text = readFileSync(path.join(edge.dir, 'logs', 'shipper.log'), 'utf8');
        const ports = [...text.matchAll(/"metricsPort":(\d+)/g)];
        if (ports.length < 4) return false;
        const m = await fetch(`http://127.0.0.1:${ports.at(-1)?.[1]}/metrics`)
          .then((r) => r.text())
          .catch(() => '');
        return duplicates(m) === again ? again : false;
      },
      { timeoutMs: 15_000, description: `${again} lines re-published as duplicates` },
    );
    assert.equal(replayed, again);
    assert.equal(await storedCount(), base + total + 50, 'JetStream stored none of them twice');
  });
  test('nginx reloaded and restarted mid-stream: every request its own record id, none lost', async () => {
    // Ids are derived from $pid.$connection.$connection_requests and $msec (record-id.ts): the
    // serial numbers carry on through a reload and start over after a restart.
    const base = await storedCount();
    const send = sender(`/m/${subscriber.token}/${premium.episodeId}/${premium.fileName}`);
    await send(400);
    const master = () => Number(readFileSync(edge.pidFile, 'utf8').trim());
    const before = master();
    process.kill(before, 'SIGHUP');
    await send(800); // served by the old workers' kept connections and the new workers' fresh ones
    await edge.restart();
    assert.notEqual(master(), before, 'a new master');
    await send(1_200);
    await waitFor(async () => (await storedCount()) >= base + 1_200, {
      timeoutMs: 30_000,
      description: '1200 records stored',
    });
    await new Promise((resolve) => setTimeout(resolve, 1500)); // and no more than that
    const records = (await allRecords()).slice(base);
    assert.equal(records.length, 1_200, 'every request stored once');
    assert.equal(new Set(records.map((r) => r.id)).size, 1_200, 'no id twice');
  });

  test('NATS killed (SIGKILL) mid-stream and restarted: the log is the buffer, nothing lost or twice', async () => {
    await shipper.stop('SIGTERM'); // the shared-NATS shipper hands over at its saved position
    const nats = await privateNats();
    const own = await connect({ servers: nats.url });
    const ownJsm = await jetstreamManager(own);
    const ownStream = `EDGE_NATS_${id}`;
    const count = async () =>
      (await ownJsm.streams.info(ownStream).catch(() => undefined))?.state.messages ?? 0;
    const viaPrivate = startShipper({
      edge,
      natsUrl: nats.url,
      redisUrl: world.env.redisUrl,
      stream: ownStream,
      subject,
      env: { EDGE_RECORDS_ROTATE_BYTES: '0' },
    });
    try {
      const send = sender(`/m/${subscriber.token}/${premium.episodeId}/${premium.fileName}`);
      await send(300);
      await waitFor(async () => (await count()) > 0, { timeoutMs: 15_000 });
      await nats.stop(); // SIGKILL
      await send(600); // the edge keeps answering: records wait in the log
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await nats.start(); // same data directory, like a restarted server
      await waitFor(async () => (await count().catch(() => 0)) >= 600, {
        timeoutMs: 60_000,
        description: '600 records',
      });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.equal(await count(), 600, 'every request stored once');
      const consumer = await jetstream(own).consumers.get(ownStream);
      const ids = new Set<string>();
      while (ids.size < 600) {
        const batch = await consumer.fetch({ max_messages: 600, expires: 5000 });
        let got = 0;
        for await (const message of batch) {
          ids.add(message.json<EdgeRequestRecord>().id);
          got++;
        }
        if (got === 0) break;
      }
      assert.equal(ids.size, 600);
      const log = readFileSync(path.join(edge.dir, 'logs', 'shipper.log'), 'utf8');
      assert.match(log, /edge records not shipped; retrying the batch/, 'the outage was seen and retried');
    } finally {
      await viaPrivate.stop();
      await own.close().catch(() => undefined);
      await nats.dispose();
      shipper = shipperFor();
    }
  });
});
