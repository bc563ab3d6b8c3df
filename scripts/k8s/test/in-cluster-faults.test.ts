/**
 * Faults under traffic in the cluster (issue 13): while podcast-app traffic runs through the
 * in-cluster edge Service (e2e/resilience/fault-traffic.ts), one part is disrupted the Kubernetes
 * way — a pod deleted, or `helm upgrade` rolling every pod — and the run records, per fault, what
 * clients saw, wrong grants (revoked and other-tenant subscribers keep asking: must stay 0),
 * billing events sent during the fault that never reached auth's Redis records (must be 0) and
 * the time until traffic was as expected again. Table: .stack/k8s/cluster/faults.md.
 *   bash scripts/k8s/in-cluster.sh faults
 *   (= GATEHOUSE_K8S_CLUSTER=1 npx node --test --test-force-exit scripts/k8s/test/in-cluster-faults.test.ts)
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { redisKeys, type SubscriberAccess, streams } from '@gatehouse/contracts';
import { createPrismaClient, type PrismaClient } from '@gatehouse/db';
import { waitFor } from '@gatehouse/testkit';
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import type Stripe from 'stripe';
import { mediaPath } from '../../../e2e/load/load-fixture.ts';
import {
  createLoadWorld,
  createSubscriberRows,
  type LoadWorld,
  type SubscriberRow,
  sendSubscriptionsCreated,
  stackStripe,
} from '../../../e2e/load/load-world.ts';
import {
  countsText,
  type Hit,
  recoveryMs,
  startTraffic,
  statusCounts,
  wrongGrants,
} from '../../../e2e/resilience/fault-traffic.ts';
import { E2E_WEBHOOK_SECRET } from '../../../e2e/support/e2e-secrets.ts';
import { CLUSTER_DIR, kubeconfigPath, kubectl, kubectlOk, kubectlPath, ROOT } from './cluster-harness.ts';
import {
  clusterStackEnv,
  DEPS_NAMESPACE,
  EDGE_URL,
  FULLNAME,
  NAMESPACE,
  RELEASE,
  useClusterStackEnv,
} from './in-cluster-env.ts';

const enabled = process.env.GATEHOUSE_K8S_CLUSTER === '1';
const MiB = 1024 * 1024;
const EVENTS_PER_FAULT = 5;
const SETTLE_MS = Number(process.env.GATEHOUSE_FAULT_SETTLE_MS ?? 120_000);
useClusterStackEnv();

interface Row {
  fault: string;
  seenGrant: Record<string, number>;
  seenDeny: Record<string, number>;
  wrongGrants: number;
  events: { sent: number; lost: number };
  /** From the disruption until the replacement is Ready (or the upgrade is done). */
  disruptedMs: number;
  recoveryMs: number | null;
  note?: string;
}

const rows: Row[] = [];
let world: LoadWorld;
let prisma: PrismaClient;
let redis: Redis;
let stripe: Stripe;
let nats: NatsConnection;
let jsm: JetStreamManager;

interface PodJson {
  metadata: { name: string; uid: string; deletionTimestamp?: string };
  status: { conditions?: { type: string; status: string }[] };
}

/** The pods matching `selector` that are Ready and not being deleted. */
function readyPods(namespace: string, selector: string): PodJson['metadata'][] {
  const pods = JSON.parse(kubectlOk(['-n', namespace, 'get', 'pods', '-l', selector, '-o', 'json']))
    .items as PodJson[];
  return pods
    .filter(
      (p) =>
        !p.metadata.deletionTimestamp &&
        p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    )
    .map((p) => p.metadata);
}

/**
 * Deletes one pod (as a node failure or an eviction would) and waits for a Ready replacement
 * (by uid: a StatefulSet's replacement has the same name).
 */
function deletePod(namespace: string, selector: string, pick: (names: string[]) => string = (n) => n[0]!) {
  let want = 0;
  let victim = { name: '', uid: '' };
  return {
    disrupt: async () => {
      const pods = readyPods(namespace, selector);
      want = pods.length;
      const name = pick(pods.map((p) => p.name));
      victim = pods.find((p) => p.name === name)!;
      kubectlOk(['-n', namespace, 'delete', 'pod', victim.name, '--wait=false']);
    },
    restored: () =>
      waitFor(
        async () => {
          const pods = readyPods(namespace, selector);
          return pods.length >= want && !pods.some((p) => p.uid === victim.uid) ? true : undefined;
        },
        { timeoutMs: 180_000, intervalMs: 250, description: `a Ready replacement of ${victim.name}` },
      ),
    victim: () => victim.name,
  };
}

/** Billing events for fresh subscribers, sent while the fault lasts. */
const prepareEvents = (n: number) => createSubscriberRows(prisma, world.tenantId, n);
const sendEvents = (subs: readonly SubscriberRow[]) =>
  sendSubscriptionsCreated(stripe, EDGE_URL, E2E_WEBHOOK_SECRET, world.priceId, subs, 120_000);

/** An event is delivered when auth's Redis record of its subscriber grants the plan. */
async function lostEvents(subs: readonly SubscriberRow[]) {
  let lost = 0;
  for (const s of subs) {
    const delivered = await waitFor(
      async () => {
        const raw = await redis.get(redisKeys.subscriber(s.subscriberId)).catch(() => null);
        const record = raw ? (JSON.parse(raw) as SubscriberAccess) : undefined;
        return record?.plans.some((p) => p.planId === world.planId) ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, description: `event of ${s.subscriberId} applied` },
    ).catch(() => false);
    if (!delivered) lost++;
  }
  return lost;
}

/** Waits until a paying subscriber is served, so a fault starts from a healthy system. */
async function healthy() {
  const granted = world.fixture.subscribers.find((s) => s.expect === 'grant')!;
  const url = `${EDGE_URL}${mediaPath(granted.token, world.fixture.episodes[0]!)}`;
  await waitFor(
    async () => {
      const response = await fetch(url, { headers: { range: 'bytes=0-1' } }).catch(() => undefined);
      await response?.arrayBuffer();
      return response?.status === 206 ? true : undefined;
    },
    { timeoutMs: SETTLE_MS, intervalMs: 500, description: 'paying traffic served before the fault' },
  );
}

async function faultCase(
  fault: string,
  action: { disrupt: () => Promise<unknown>; restored: () => Promise<unknown> },
): Promise<Row> {
  const subs = await prepareEvents(EVENTS_PER_FAULT);
  await healthy();
  const traffic = startTraffic(world.fixture, { connections: 4 });
  try {
    await sleep(2000); // baseline
    const downAt = Date.now();
    await action.disrupt();
    const sending = sendEvents(subs);
    await action.restored();
    const back = Date.now();
    let recovered: number | undefined;
    // Long enough to measure a slow recovery rather than only report its absence.
    const settleBy = back + SETTLE_MS;
    for (;;) {
      recovered = recoveryMs(traffic.hits, back);
      if (recovered !== undefined || Date.now() >= settleBy) break;
      await sleep(200);
    }
    const hits: Hit[] = traffic.hits;
    const outcomes = await sending;
    const refused = outcomes.filter((o) => o.status === 'rejected').length;
    return {
      fault,
      seenGrant: statusCounts(hits, downAt, back + 2000, 'grant'),
      seenDeny: statusCounts(hits, downAt, back + 2000, 'deny'),
      wrongGrants: wrongGrants(hits),
      events: { sent: subs.length, lost: refused + (await lostEvents(subs)) },
      disruptedMs: back - downAt,
      recoveryMs: recovered ?? null,
    };
  } finally {
    await traffic.stop();
  }
}

function table(): string {
  const lines = [
    '| fault (in the cluster) | seen by clients until 2 s after the replacement was Ready (paying / denied) | wrong grants | lost billing events | disrupted (ms) | recovery after Ready (ms) | note |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of rows)
    lines.push(
      `| ${r.fault} | ${countsText(r.seenGrant)} / ${countsText(r.seenDeny)} | ${r.wrongGrants} | ${r.events.lost} of ${r.events.sent} | ${r.disruptedMs} | ${r.recoveryMs ?? `not recovered in ${SETTLE_MS / 1000} s`} | ${r.note ?? ''} |`,
    );
  return lines.join('\n');
}

function assertRow(row: Row) {
  rows.push(row);
  console.log(`# ${row.fault}: ${JSON.stringify(row)}`);
  assert.equal(row.wrongGrants, 0, 'wrong grants');
  assert.equal(row.events.lost, 0, 'lost billing events');
  assert.notEqual(row.recoveryMs, null, 'traffic recovered');
}

const edgeCacheDir = path.join(CLUSTER_DIR, 'volumes', `${NAMESPACE}-${FULLNAME}-edge-cache`);
const cacheFiles = (dir = edgeCacheDir): number =>
  readdirSync(dir, { withFileTypes: true }).reduce(
    (n, e) => n + (e.isDirectory() ? cacheFiles(path.join(dir, e.name)) : 1),
    0,
  );

describe('faults under traffic in the cluster', {
  skip: enabled ? false : 'set GATEHOUSE_K8S_CLUSTER=1 (bash scripts/k8s/in-cluster.sh faults)',
  concurrency: 1,
}, () => {
  before(async () => {
    world = await createLoadWorld({
      subscribers: 12,
      revoked: 4,
      otherTenant: 4,
      episodes: 1,
      episodeBytes: 2 * MiB,
      projectorWaitMs: 20_000,
    });
    assert.equal(world.fixture.accessPath, 'billing-projector');
    const env = clusterStackEnv();
    prisma = createPrismaClient(env.DATABASE_URL!, { poolSize: 2 });
    redis = new Redis(env.REDIS_URL!, { maxRetriesPerRequest: 1 });
    redis.on('error', () => {}); // The Redis pod is deleted on purpose below.
    stripe = stackStripe();
    nats = await connect({ servers: env.NATS_URL!, maxReconnectAttempts: -1 });
    jsm = await jetstreamManager(nats);
    // Fill the edge cache (the edge fault checks it survives on its volume).
    const granted = world.fixture.subscribers.find((s) => s.expect === 'grant')!;
    const warm = await fetch(`${EDGE_URL}${mediaPath(granted.token, world.fixture.episodes[0]!)}`);
    assert.equal(warm.status, 200, 'warm-up download');
    await warm.arrayBuffer();
  });

  after(async () => {
    await prisma?.$disconnect().catch(() => {});
    redis?.disconnect();
    await nats?.close().catch(() => {});
    if (rows.length) {
      writeFileSync(path.join(CLUSTER_DIR, 'faults.json'), `${JSON.stringify(rows, null, 2)}\n`);
      writeFileSync(path.join(CLUSTER_DIR, 'faults.md'), `${table()}\n`);
      console.log(`\n${table()}\n`);
    }
  });

  const selector = (component: string) =>
    `app.kubernetes.io/instance=${RELEASE},app.kubernetes.io/component=${component}`;

  test('an auth pod (of 2) deleted', async () => {
    assertRow(await faultCase('auth pod deleted (1 of 2)', deletePod(NAMESPACE, selector('auth'))));
  });

  test('the edge pod deleted: its cache survives on the volume', async () => {
    const before = cacheFiles();
    assert.ok(before > 0, 'the edge cache holds slices before the fault');
    const row = await faultCase('edge pod deleted (the only one)', deletePod(NAMESPACE, selector('edge')));
    const granted = world.fixture.subscribers.find((s) => s.expect === 'grant')!;
    const first = await fetch(`${EDGE_URL}${mediaPath(granted.token, world.fixture.episodes[0]!)}`, {
      headers: { range: 'bytes=0-1' },
    });
    await first.arrayBuffer();
    row.note = `cache files on the volume: ${before} before, ${cacheFiles()} after; first request after: ${first.status} ${first.headers.get('x-cache-status')}`;
    assertRow(row);
    assert.equal(first.headers.get('x-cache-status'), 'HIT', 'the new edge pod serves from the kept cache');
  });

  test('a NATS node deleted: the streams keep their quorum', async () => {
    const leaderOf = async () => (await jsm.streams.info(streams.events.name)).cluster?.leader ?? '';
    const leader = await leaderOf();
    const action = deletePod(
      DEPS_NAMESPACE,
      'app=nats',
      (names) => names.find((n) => n === leader) ?? names[0]!,
    );
    const row = await faultCase('NATS node deleted (the GATEHOUSE_EVENTS leader, 1 of 3)', action);
    const infos = await Promise.all(
      [streams.events.name, streams.deadLetter.name].map((name) => jsm.streams.info(name)),
    );
    row.note = `deleted ${action.victim()}; after: ${infos
      .map((i) => `${i.config.name} R${i.config.num_replicas} leader ${i.cluster?.leader}`)
      .join(', ')}`;
    assertRow(row);
    for (const info of infos) assert.equal(info.config.num_replicas, 3);
  });

  test('the media pods drained from the node (cordoned, evicted, uncordoned 5 s later)', async () => {
    const node = kubectlOk(['get', 'nodes', '-o', 'jsonpath={.items[0].metadata.name}']).trim();
    let evicted: string[] = [];
    try {
      const row = await faultCase('media drained (kubectl drain --pod-selector, one node)', {
        disrupt: async () => {
          evicted = readyPods(NAMESPACE, selector('media')).map((p) => p.uid);
          // One node: the replacement stays Pending until the node takes pods again, so the
          // media Service has no endpoint meanwhile (what a drain of the last node with media does).
          await promisify(execFile)(
            kubectlPath(),
            [
              'drain',
              node,
              `--pod-selector=${selector('media')}`,
              '--delete-emptydir-data',
              '--timeout=120s',
            ],
            { env: { ...process.env, KUBECONFIG: kubeconfigPath() }, timeout: 150_000 },
          );
          await sleep(5000);
          kubectlOk(['uncordon', node]);
        },
        restored: () =>
          waitFor(
            () => {
              const pods = readyPods(NAMESPACE, selector('media'));
              return pods.length > 0 && !pods.some((p) => evicted.includes(p.uid)) ? true : undefined;
            },
            { timeoutMs: 180_000, intervalMs: 250, description: 'a Ready media pod after the drain' },
          ),
      });
      row.note = `evicted ${evicted.length} media pod(s); the node was cordoned ~5 s`;
      assertRow(row);
    } finally {
      kubectl(['uncordon', node]);
    }
  });

  test('the Redis pod deleted (its data is gone)', async () => {
    assertRow(await faultCase('Redis pod deleted (restarts empty)', deletePod(DEPS_NAMESPACE, 'app=redis')));
  });

  test('helm upgrade rolls every pod while traffic flows', async () => {
    const rollAt = String(Date.now());
    const sets = ['auth', 'media', 'feeds', 'billing', 'analytics', 'web', 'edge'].flatMap((c) => [
      '--set-string',
      `${c}.podAnnotations.gatehouse-ci/rolled-at=${rollAt}`,
    ]);
    const row = await faultCase('helm upgrade (every Deployment rolls, migration hook runs)', {
      disrupt: async () => {
        // Started, not awaited: restored() waits for it.
        upgrade = runUpgrade(sets);
      },
      restored: () => upgrade,
    });
    assertRow(row);
  });
});

let upgrade: Promise<void> = Promise.resolve();

/** `in-cluster.sh upgrade ARGS…`: helm upgrade with the install's values plus ARGS, waiting. */
async function runUpgrade(extra: string[]): Promise<void> {
  await promisify(execFile)('bash', [path.join(ROOT, 'scripts/k8s/in-cluster.sh'), 'upgrade', ...extra], {
    timeout: 600_000,
  });
}
