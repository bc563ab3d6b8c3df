import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { redisKeys, type SubscriberAccess } from '@gatehouse/contracts';
import { createPrismaClient, type PrismaClient } from '@gatehouse/db';
import {
  keepOutputTail,
  type StackPart,
  stackControl,
  stackEnv,
  stopIfExited,
  waitFor,
} from '@gatehouse/testkit';
import { Redis } from 'ioredis';
import type Stripe from 'stripe';
import { mediaPath } from '../load/load-fixture.ts';
import {
  createLoadWorld,
  createSubscriberRows,
  type LoadWorld,
  type SubscriberRow,
  sendSubscriptionsCreated,
  stackStripe,
} from '../load/load-world.ts';
import { E2E_WEBHOOK_SECRET, type Platform, serviceEnv, startPlatform } from '../support/platform.ts';
import {
  countsText,
  type Hit,
  recoveryMs,
  startTraffic,
  statusCounts,
  wrongGrants,
} from './fault-traffic.ts';

// Resilience (issue 7): while podcast-app traffic runs through the real edge, each part of the
// stack is stopped and started again in turn. Per fault: what clients saw, wrong grants (a
// revoked or other-tenant subscriber keeps hitting: must stay 0), cached media served while
// storage is down, billing events sent during the NATS/Postgres faults all applied afterwards,
// and the time until traffic is fully back. Every part is restarted in `after`, even on failure:
// other tests share the stack. Results: .stack/resilience/results.json and the test output.

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const NODE = path.join(ROOT, 'node_modules', '.bin', 'node');
const STACK = path.join(ROOT, 'scripts', 'stack.sh');
const SECOND_AUTH_PORT = 53011;
const FAULT_MS = Number(process.env.RESILIENCE_FAULT_MS ?? 2500);
const MiB = 1024 * 1024;
const run = promisify(execFile);

interface Row {
  fault: string;
  seenGrant: Record<string, number>;
  seenDeny: Record<string, number>;
  wrongGrants: number;
  /** Grant-expected answers during the fault served from the edge cache (storage fault). */
  cachedServed?: string;
  events?: { sent: number; lost: number; checkedIn: string };
  downMs: number;
  startMs: number;
  recoveryMs: number | null;
  /** Redis fault: records back in Redis before the snapshot restore (the cold path's work). */
  rebuilt?: { subscribers: string; plan: boolean; episode: boolean };
}

const rows: Row[] = [];
let platform: Platform | undefined;
/**
 * Set when a reused service rejects the harness's secrets, by hand only (reported as a skip, not
 * a pass); inside `npm test` (GATEHOUSE_E2E_STRICT=1) startPlatform fails instead.
 */
let skipReason: string | undefined;
let world: LoadWorld;
let prisma: PrismaClient;
let redis: Redis;
let stripe: Stripe;
let secondAuth: ChildProcess | undefined;
const stopped = new Set<StackPart>();

async function reloadNginx(authServers?: string) {
  const env = { ...process.env };
  if (authServers) env.GATEHOUSE_LOCAL_AUTH_SERVERS = authServers;
  else delete env.GATEHOUSE_LOCAL_AUTH_SERVERS;
  await run('bash', [STACK, 'reload-nginx'], { cwd: ROOT, env });
}

async function startSecondAuth() {
  const logDir = path.join(stackEnv().logDir, 'e2e');
  mkdirSync(logDir, { recursive: true });
  const out = createWriteStream(path.join(logDir, 'auth-replica-2.log'), { flags: 'a' });
  const child = spawn(NODE, [path.join(ROOT, 'services/auth/src/main.ts')], {
    cwd: ROOT,
    env: { ...serviceEnv('auth'), PORT: String(SECOND_AUTH_PORT) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const tail = keepOutputTail(child);
  await waitFor(
    async () => {
      stopIfExited('second auth', child, tail);
      const r = await fetch(`http://127.0.0.1:${SECOND_AUTH_PORT}/readyz`).catch(() => undefined);
      return r?.ok;
    },
    { timeoutMs: 30_000, intervalMs: 200, description: 'second auth replica ready' },
  );
  return child;
}

async function stopChild(child: ChildProcess | undefined) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}

/** Billing events for fresh subscribers, sent while the fault lasts. */
const prepareEvents = (n: number) => createSubscriberRows(prisma, world.tenantId, n);
const sendEvents = (subs: readonly SubscriberRow[]) =>
  sendSubscriptionsCreated(stripe, stackEnv().edgeUrl, E2E_WEBHOOK_SECRET, world.priceId, subs, 90_000);

/**
 * An event is applied when its subscription is in Postgres, its outbox rows are published to
 * JetStream and — where the auth projector runs — the subscriber's Redis record grants the plan.
 */
async function lostEvents(subs: readonly SubscriberRow[], checkRedis: boolean) {
  let lost = 0;
  for (const s of subs) {
    try {
      await waitFor(
        async () => {
          const subscription = await prisma.subscription.findFirst({
            where: { subscriberId: s.subscriberId },
          });
          if (subscription?.status !== 'active') return false;
          const pending = await prisma.outboxMessage.count({
            where: {
              publishedAt: null,
              OR: [
                { payload: { path: ['subscriberId'], equals: s.subscriberId } },
                { payload: { path: ['access', 'subscriberId'], equals: s.subscriberId } },
              ],
            },
          });
          if (pending > 0) return false;
          if (!checkRedis) return true;
          const raw = await redis.get(redisKeys.subscriber(s.subscriberId));
          const record = raw ? (JSON.parse(raw) as SubscriberAccess) : undefined;
          return Boolean(record?.plans.some((p) => p.planId === world.planId));
        },
        { timeoutMs: 30_000, intervalMs: 250, description: `event of ${s.subscriberId} applied` },
      );
    } catch {
      lost++;
    }
  }
  return lost;
}

async function faultCase(
  fault: string,
  actions: { stop: () => Promise<unknown>; start: () => Promise<unknown> },
  options: { events?: boolean; storage?: boolean } = {},
): Promise<Row> {
  const subs = options.events ? await prepareEvents(10) : [];
  const traffic = startTraffic(world.fixture, { connections: 4 });
  try {
    await sleep(800); // baseline
    const downAt = Date.now();
    await actions.stop();
    const sending = options.events ? sendEvents(subs) : undefined;
    await sleep(FAULT_MS);
    const startAt = Date.now();
    await actions.start();
    const back = Date.now();
    let recovered: number | undefined;
    const settleBy = back + 20_000;
    for (;;) {
      recovered = recoveryMs(traffic.hits, back);
      if (recovered !== undefined || Date.now() >= settleBy) break;
      await sleep(200);
    }
    const hits: Hit[] = traffic.hits;
    const window = hits.filter((h) => h.at >= downAt && h.at < back);
    const row: Row = {
      fault,
      seenGrant: statusCounts(hits, downAt, back, 'grant'),
      seenDeny: statusCounts(hits, downAt, back, 'deny'),
      wrongGrants: wrongGrants(hits),
      downMs: back - downAt,
      startMs: back - startAt,
      recoveryMs: recovered ?? null,
    };
    if (options.storage) {
      const grants = window.filter((h) => h.expect === 'grant');
      const cached = grants.filter((h) => h.status === 206 && h.cache === 'HIT');
      row.cachedServed = `${cached.length}/${grants.length}`;
    }
    if (sending) {
      const outcomes = await sending;
      const refused = outcomes.filter((o) => o.status === 'rejected').length;
      const checkRedis = world.fixture.accessPath === 'billing-projector';
      const lost = refused + (await lostEvents(subs, checkRedis));
      row.events = {
        sent: subs.length,
        lost,
        checkedIn: checkRedis
          ? 'Postgres + JetStream publish + Redis'
          : 'Postgres + JetStream publish (projector not running: Redis not checked)',
      };
    }
    return row;
  } finally {
    await traffic.stop();
  }
}

/**
 * The local Redis runs without persistence, so a restart empties the validity cache. The design
 * rebuilds it from Postgres (auth cold path) and from the projector; where those are not running
 * the Redis row shows it, and this snapshot puts the records back afterwards so the next faults
 * are measured on their own.
 */
async function snapshotRedis() {
  const snap: { key: string; dump: Buffer; ttl: number }[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', 'gh:v1:*', 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const [dump, ttl] = await Promise.all([redis.dumpBuffer(key), redis.pttl(key)]);
      if (dump) snap.push({ key, dump, ttl: Math.max(ttl, 0) });
    }
  } while (cursor !== '0');
  return snap;
}

async function restoreRedis(snap: Awaited<ReturnType<typeof snapshotRedis>>) {
  let restored = 0;
  for (const { key, dump, ttl } of snap) {
    // Without REPLACE: a record written since (newer) is kept.
    if ((await redis.restore(key, ttl, dump).catch(() => 'BUSY')) === 'OK') restored++;
  }
  return restored;
}

const stackFault = (part: StackPart) => ({
  stop: async () => {
    stopped.add(part);
    await stackControl.stop(part);
  },
  start: async () => {
    await stackControl.start(part);
    stopped.delete(part);
  },
});

function table(): string {
  const lines = [
    '| fault | seen by clients during the fault (paying / denied subscribers) | wrong grants | lost events | cached media served | down (ms) | recovery after the part is back (ms) |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.fault} | ${countsText(r.seenGrant)} / ${countsText(r.seenDeny)} | ${r.wrongGrants} | ${r.events ? `${r.events.lost} of ${r.events.sent}` : 'n/a'} | ${r.cachedServed ?? 'n/a'} | ${r.downMs} | ${r.recoveryMs ?? 'not recovered in 20 s'} |`,
    );
  }
  return lines.join('\n');
}

before(async () => {
  platform = await startPlatform(['auth', 'media', 'billing'], { onMismatch: 'report' });
  skipReason = platform.mismatch;
  if (skipReason) return;
  world = await createLoadWorld({
    subscribers: 12,
    revoked: 4,
    otherTenant: 4,
    episodes: 1,
    episodeBytes: 2 * MiB,
    projectorWaitMs: 3000,
  });
  const env = stackEnv();
  prisma = createPrismaClient(env.databaseUrl, { poolSize: 2 });
  redis = new Redis(env.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on('error', () => {}); // Redis is stopped on purpose below; reads retry in waitFor.
  await redis.connect();
  stripe = stackStripe();
  // Fill the edge cache: the storage fault must be served from it.
  const granted = world.fixture.subscribers.find((s) => s.expect === 'grant')!;
  const warm = await fetch(`${env.edgeUrl}${mediaPath(granted.token, world.fixture.episodes[0]!)}`);
  assert.equal(warm.status, 200, 'warm-up download');
  await warm.arrayBuffer();
});

after(async () => {
  // Restore everything, whatever failed: the stack is shared. The services this file started
  // are stopped last and in any case (a later file must not reuse them).
  try {
    for (const part of [...stopped])
      await stackControl.start(part).catch((e) => console.error(`restore ${part}:`, e));
    await stopChild(secondAuth);
    await reloadNginx().catch((e) => console.error('restore nginx config:', e));
    await prisma?.$disconnect().catch(() => {});
    redis?.disconnect();
  } finally {
    await platform?.stop();
  }
  if (rows.length) {
    const dir = path.join(ROOT, '.stack', 'resilience');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'results.json'), `${JSON.stringify(rows, null, 2)}\n`);
    writeFileSync(path.join(dir, 'results.md'), `${table()}\n`);
    console.log(`\n${table()}\n`);
  }
});

describe('resilience: faults under traffic', { concurrency: 1 }, () => {
  test('nats: media unaffected, webhooks accepted and every event published after restart', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const row = await faultCase('nats stopped', stackFault('nats'), { events: true });
    rows.push(row);
    assert.equal(row.wrongGrants, 0);
    assert.equal(row.events?.lost, 0, JSON.stringify(row.events));
    assert.notEqual(row.recoveryMs, null);
  });

  test('minio: cached media keeps being served while storage is down', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const row = await faultCase('S3 (MinIO) stopped', stackFault('minio'), { storage: true });
    rows.push(row);
    assert.equal(row.wrongGrants, 0);
    const [served, total] = row.cachedServed!.split('/').map(Number);
    assert.ok(total! > 0, 'paying subscribers were downloading during the fault');
    assert.equal(
      served,
      total,
      `every paying request during the storage fault served from cache: ${JSON.stringify(row.seenGrant)}`,
    );
    assert.notEqual(row.recoveryMs, null);
  });

  test('postgres: media unaffected (no Postgres on the hot path), webhooks retried until applied', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const row = await faultCase('postgres stopped', stackFault('postgres'), { events: true });
    rows.push(row);
    assert.equal(row.wrongGrants, 0);
    assert.equal(row.events?.lost, 0, JSON.stringify(row.events));
    const grantErrors = Object.entries(row.seenGrant).filter(
      ([status]) => status !== '206' && status !== '200',
    );
    assert.deepEqual(grantErrors, [], 'paying subscribers never noticed Postgres');
    assert.notEqual(row.recoveryMs, null);
  });

  test('one of two auth replicas: the edge moves to the other one', async (t) => {
    if (skipReason) return t.skip(skipReason);
    secondAuth = await startSecondAuth();
    await reloadNginx(`127.0.0.1:53001,127.0.0.1:${SECOND_AUTH_PORT}`);
    try {
      const row = await faultCase('one auth replica (of 2) killed', {
        stop: async () => {
          secondAuth?.kill('SIGKILL');
          await sleep(50);
        },
        start: async () => {
          secondAuth = await startSecondAuth();
        },
      });
      rows.push(row);
      assert.equal(row.wrongGrants, 0);
      const bad = Object.entries(row.seenGrant).filter(([status]) => status !== '206');
      assert.deepEqual(bad, [], 'no paying request failed while one replica was down');
      assert.notEqual(row.recoveryMs, null);
    } finally {
      await reloadNginx();
      await stopChild(secondAuth);
      secondAuth = undefined;
    }
  });

  test('redis: fail closed while it is gone; access comes back after restart', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const snap = await snapshotRedis();
    try {
      const row = await faultCase('redis stopped (restart loses its data)', stackFault('redis'));
      rows.push(row);
      assert.equal(row.wrongGrants, 0);
      // Why access came back: before the snapshot is restored, the records paying traffic needs are
      // in the (restarted, empty) Redis again — written by auth's cold path from Postgres.
      const paying = world.fixture.subscribers
        .filter((s) => s.expect === 'grant')
        .map((s) => world.subscriberIds.get(s.token)!);
      const present = async (keys: string[]) =>
        (await Promise.all(keys.map((k) => redis.exists(k)))).filter(Boolean).length;
      row.rebuilt = {
        subscribers: `${await present(paying.map((id) => redisKeys.subscriber(id)))}/${paying.length}`,
        plan: (await present([redisKeys.plan(world.planId)])) === 1,
        episode: (await present([redisKeys.episode(world.fixture.episodes[0]!.episodeId)])) === 1,
      };
      console.log(`redis row: records rebuilt before the snapshot restore: ${JSON.stringify(row.rebuilt)}`);
      assert.notEqual(
        row.recoveryMs,
        null,
        `paying subscribers still denied 20 s after Redis returned empty: nothing rebuilt the validity records (${JSON.stringify(row)})`,
      );
    } finally {
      await restoreRedis(snap);
      // auth may hold "missing" answers for its policy max age: wait until paying traffic is
      // served again, so the next fault starts from a healthy system.
      const granted = world.fixture.subscribers.find((s) => s.expect === 'grant')!;
      const url = `${stackEnv().edgeUrl}${mediaPath(granted.token, world.fixture.episodes[0]!)}`;
      await waitFor(
        async () => {
          const response = await fetch(url, { headers: { range: 'bytes=0-1' } });
          await response.arrayBuffer();
          return response.status === 206;
        },
        { timeoutMs: 20_000, intervalMs: 250, description: 'paying traffic served after the Redis restore' },
      ).catch(() => {});
    }
  });

  test('nginx: clients are refused while it is down; cache and service back after restart', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const fault = stackFault('nginx');
    const row = await faultCase('nginx (edge) stopped', {
      stop: fault.stop,
      // A failed start names who holds the edge's ports: every stack port is inside Linux's
      // ephemeral range, so a client connection can own one as its local port.
      start: () =>
        fault.start().catch(async (error: Error) => {
          const { stdout } = await run('ss', ['-tanp']).catch(() => ({ stdout: '' }));
          const holders = stdout.split('\n').filter((l) => /127\.0\.0\.1:5808[0-9]\s/.test(l));
          throw new Error(`${error.message}\nsockets on 5808x now:\n${holders.join('\n')}`);
        }),
    });
    rows.push(row);
    assert.equal(row.wrongGrants, 0);
    assert.notEqual(row.recoveryMs, null);
  });

  test('every fault left a row with zero wrong grants', (t) => {
    if (skipReason) return t.skip(skipReason);
    assert.equal(rows.length, 6, rows.map((r) => r.fault).join(', '));
    for (const r of rows) assert.equal(r.wrongGrants, 0, r.fault);
  });
});
