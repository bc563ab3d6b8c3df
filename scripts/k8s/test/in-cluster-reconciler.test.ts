/**
 * The custom-domain reconciler in the cluster (issue 13 item 5): two replicas of the chart's
 * Deployment, leadership through a coordination.k8s.io Lease, one Ingress per active domain.
 * Failover is checked against the Lease itself (holder, acquireTime, renewTime), not a log line.
 *   bash scripts/k8s/in-cluster.sh          (cluster up, images, install, then the suites)
 *   GATEHOUSE_K8S_CLUSTER=1 npx node --test --test-force-exit scripts/k8s/test/in-cluster-reconciler.test.ts
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createPrismaClient, type PrismaClient } from '@gatehouse/db';
import { waitFor } from '@gatehouse/testkit';
import { CLUSTER_DIR, kubectl, kubectlOk } from './cluster-harness.ts';
import { clusterStackEnv, FULLNAME, NAMESPACE } from './in-cluster-env.ts';

const enabled = process.env.GATEHOUSE_K8S_CLUSTER === '1';
const LEASE = `${FULLNAME}-domain-reconciler`;
const SELECTOR = 'app.kubernetes.io/component=domain-reconciler';
/** domain-reconciler.main.ts: a Lease lasts 15 s and is renewed every 5 s. */
const LEASE_SECONDS = 15;

interface LeaseSpec {
  holderIdentity?: string;
  acquireTime?: string;
  renewTime?: string;
  leaseDurationSeconds?: number;
  leaseTransitions?: number;
}
interface PodJson {
  metadata: { name: string; deletionTimestamp?: string };
  status: {
    conditions?: { type: string; status: string }[];
    containerStatuses?: { name: string; containerID?: string }[];
  };
}

const lease = (): LeaseSpec =>
  JSON.parse(kubectlOk(['-n', NAMESPACE, 'get', 'lease', LEASE, '-o', 'json'])).spec as LeaseSpec;

function reconcilerPods(): PodJson[] {
  return (
    JSON.parse(kubectlOk(['-n', NAMESPACE, 'get', 'pods', '-l', SELECTOR, '-o', 'json'])).items as PodJson[]
  ).filter((p) => !p.metadata.deletionTimestamp);
}
const isReady = (p: PodJson) =>
  p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

const ingressName = (domainId: string) => `${FULLNAME}-domain-${domainId}`;
interface IngressJson {
  metadata: { annotations: Record<string, string> };
  spec: {
    rules: { host: string; http: { paths: { backend: { service: { name: string } } }[] } }[];
    tls: { hosts: string[] }[];
  };
}
function ingress(domainId: string): IngressJson | undefined {
  const r = kubectl(['-n', NAMESPACE, 'get', 'ingress', ingressName(domainId), '-o', 'json']);
  return r.status === 0 ? JSON.parse(r.stdout) : undefined;
}

/** The leader's node process, by its container id (containerd on the node: scripts/k8s/cluster.sh). */
function hostPidOf(pod: PodJson): number {
  const id = pod.status.containerStatuses
    ?.find((c) => c.name === 'reconciler')
    ?.containerID?.replace(/^containerd:\/\//, '');
  assert.ok(id, `no container id for ${pod.metadata.name}`);
  const ctr = spawnSync(
    'ctr',
    ['--address', path.join(CLUSTER_DIR, 'containerd', 'containerd.sock'), '-n', 'k8s.io', 'task', 'ls'],
    { encoding: 'utf8' },
  );
  assert.equal(ctr.status, 0, ctr.stderr);
  const line = ctr.stdout.split('\n').find((l) => l.startsWith(id));
  const pid = Number(line?.trim().split(/\s+/)[1]);
  assert.ok(pid > 1, `no running task for container ${id}: ${ctr.stdout}`);
  return pid;
}

/** Waits for a holder other than `previous` and returns the Lease as the new holder wrote it. */
const newHolder = (previous: string, timeoutMs: number) =>
  waitFor(
    () => {
      const spec = lease();
      return spec.holderIdentity && spec.holderIdentity !== previous ? spec : undefined;
    },
    { timeoutMs, intervalMs: 200, description: `a reconciler other than ${previous} holds the Lease` },
  );

describe('the custom-domain reconciler in the cluster', {
  skip: enabled ? false : 'set GATEHOUSE_K8S_CLUSTER=1 (bash scripts/k8s/in-cluster.sh)',
}, () => {
  let prisma: PrismaClient;
  let tenantId: string;
  const domainIds: string[] = [];

  async function addDomain(status: 'pending' | 'active') {
    const hostname = `${status}-${randomBytes(4).toString('hex')}.podcasts.example`;
    const row = await prisma.customDomain.create({
      data: { tenantId, hostname, status, verificationToken: randomBytes(16).toString('hex') },
    });
    domainIds.push(row.id);
    return { id: row.id, hostname };
  }
  /** The reconciler's interval in the CI values is 5 s; a pass after failover may wait for it. */
  const ingressFor = (domainId: string, timeoutMs = 30_000) =>
    waitFor(() => ingress(domainId), { timeoutMs, intervalMs: 250, description: `Ingress of ${domainId}` });

  before(async () => {
    prisma = createPrismaClient(clusterStackEnv().DATABASE_URL!, { poolSize: 2 });
    const slug = `rec-${randomBytes(4).toString('hex')}`;
    tenantId = (await prisma.tenant.create({ data: { slug, name: `Reconciler ${slug}` } })).id;
    kubectlOk(['-n', NAMESPACE, 'rollout', 'status', `deployment/${LEASE}`, '--timeout=180s']);
  });
  after(async () => {
    if (!prisma) return;
    await prisma.customDomain.deleteMany({ where: { id: { in: domainIds } } });
    await prisma.tenant.deleteMany({ where: { id: tenantId } });
    await prisma.$disconnect();
  });

  test('two Ready replicas; exactly one of them holds the Lease', async () => {
    const pods = await waitFor(
      () => {
        const ready = reconcilerPods().filter(isReady);
        return ready.length === 2 ? ready : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500, description: 'two Ready reconciler pods' },
    );
    const spec = await waitFor(() => (lease().holderIdentity ? lease() : undefined), {
      timeoutMs: 30_000,
      description: 'a Lease holder',
    });
    assert.ok(
      pods.some((p) => p.metadata.name === spec.holderIdentity),
      `holder ${spec.holderIdentity} is one of ${pods.map((p) => p.metadata.name).join(', ')}`,
    );
    assert.equal(spec.leaseDurationSeconds, LEASE_SECONDS);
  });

  test('an active domain gets its Ingress, a pending one none; deleting the row deletes the Ingress', async () => {
    const active = await addDomain('active');
    const pending = await addDomain('pending');
    const object = await ingressFor(active.id);
    assert.equal(object.spec.rules[0]?.host, active.hostname);
    assert.equal(object.spec.tls[0]?.hosts[0], active.hostname);
    assert.equal(object.metadata.annotations['cert-manager.io/cluster-issuer'], 'letsencrypt');
    assert.equal(object.spec.rules[0]?.http.paths[0]?.backend.service.name, `${FULLNAME}-edge`);
    // A later pass than the one that made the active domain's Ingress still made none for it.
    const firstPass = lease().renewTime;
    await waitFor(() => lease().renewTime !== firstPass || undefined, { timeoutMs: 30_000 });
    assert.equal(ingress(pending.id), undefined, 'a pending domain must not be routed');

    await prisma.customDomain.delete({ where: { id: active.id } });
    await waitFor(() => ingress(active.id) === undefined || undefined, {
      timeoutMs: 30_000,
      intervalMs: 250,
      description: 'the removed domain has no Ingress',
    });
  });

  test('leader SIGKILLed: the other replica takes over only once the Lease expired, then reconciles', async () => {
    const before = lease();
    const leader = reconcilerPods().find((p) => p.metadata.name === before.holderIdentity);
    assert.ok(leader, `the holder ${before.holderIdentity} is a running pod`);
    // A killed process renews nothing and releases nothing; the pod is then removed so the
    // kubelet's restart (same pod name, same identity) cannot simply renew its own Lease.
    process.kill(hostPidOf(leader), 'SIGKILL');
    kubectlOk([
      '-n',
      NAMESPACE,
      'delete',
      'pod',
      leader.metadata.name,
      '--force',
      '--grace-period=0',
      '--wait=false',
    ]);
    // The dead leader's last renewal: the newest renewTime seen while it is still the holder
    // (it cannot renew after the kill; the new holder overwrites renewTime).
    let lastRenew = Date.parse(before.renewTime!);
    const after = await waitFor(
      () => {
        const spec = lease();
        if (spec.holderIdentity === before.holderIdentity) {
          lastRenew = Math.max(lastRenew, Date.parse(spec.renewTime!));
          return undefined;
        }
        return spec.holderIdentity ? spec : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 200, description: 'another reconciler holds the Lease' },
    );
    const takenAfterMs = Date.parse(after.acquireTime!) - lastRenew;
    console.log(`# leader SIGKILLed: Lease taken ${takenAfterMs} ms after the dead leader's last renewal`);
    assert.ok(
      takenAfterMs >= LEASE_SECONDS * 1000 - 1000,
      `taken ${takenAfterMs} ms after the last renewal: before the ${LEASE_SECONDS} s Lease expired`,
    );
    assert.ok((after.leaseTransitions ?? 0) > (before.leaseTransitions ?? 0), 'a transition was recorded');
    const next = await addDomain('active');
    assert.equal((await ingressFor(next.id, 60_000)).spec.rules[0]?.host, next.hostname);
  });

  test('leader stopped with SIGTERM: it releases the Lease and another takes it well before expiry', async () => {
    await waitFor(
      () => {
        const ready = reconcilerPods().filter(isReady);
        return ready.length === 2 ? ready : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500, description: 'two Ready reconciler pods again' },
    );
    const before = lease();
    const stoppedAt = Date.now();
    kubectlOk(['-n', NAMESPACE, 'delete', 'pod', before.holderIdentity!, '--wait=false']);
    const after = await newHolder(before.holderIdentity!, 60_000);
    const takenMs = Date.parse(after.acquireTime!) - stoppedAt;
    console.log(`# leader SIGTERMed: Lease taken ${takenMs} ms after the pod's deletion`);
    // The holder renews every 5 s; a released Lease is taken at the next renewal of another replica.
    assert.ok(takenMs < LEASE_SECONDS * 1000 - 2000, `taken after ${takenMs} ms: the Lease was not released`);
  });
});
