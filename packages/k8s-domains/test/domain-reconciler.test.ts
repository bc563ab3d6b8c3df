/**
 * The custom-domain reconciler against the real API server (scripts/k8s/apiserver.sh: etcd +
 * kube-apiserver). Domains come from an in-memory list (our own CustomDomainSource interface);
 * everything Kubernetes is real. Each test uses its own namespace.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CUSTOM_DOMAIN_ROUTES,
  type CustomDomainRecord,
  createKubeObjects,
  DomainReconciler,
  type KubeObjects,
  LeaseElector,
  loadKubeConfig,
  parseReconcilerConfig,
  type ReconcilerConfig,
} from '../src/index.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const TOOLS_DIR = process.env.GATEHOUSE_TOOLS_DIR || path.join(homedir(), '.cache', 'gatehouse', 'bin');
const KUBECONFIG = path.join(process.env.GATEHOUSE_K8S_DIR || path.join(ROOT, '.stack', 'k8s'), 'kubeconfig');
const missing = ['etcd', 'kube-apiserver'].filter((b) => !existsSync(path.join(TOOLS_DIR, b)));

/** The chart's config.json in edge mode (templates/domain-reconciler.yaml). */
const RAW_CONFIG = {
  kind: 'ingress',
  clusterIssuer: 'letsencrypt-prod',
  ingressClassName: 'nginx',
  gatewayRef: {},
  edgeMode: 'edge',
  backend: { service: 'gh-gatehouse-edge', port: 80 },
  leaseName: 'gh-gatehouse-domain-reconciler',
  ownerConfigMap: 'gh-gatehouse-domain-reconciler',
  namePrefix: 'gh-gatehouse-domain-',
  intervalSeconds: 30,
};

function memorySource(rows: CustomDomainRecord[]) {
  return { rows, listDomains: async () => rows.map((r) => ({ ...r })) };
}

describe('domain reconciler on a real API server', { concurrency: false }, () => {
  let kube: KubeObjects;
  let namespace: string;
  let cfg: ReconcilerConfig;
  let ownerUid: string;

  before(async () => {
    if (missing.length > 0) return;
    execFileSync('bash', [path.join(ROOT, 'scripts', 'k8s', 'apiserver.sh'), 'up'], { stdio: 'ignore' });
    kube = createKubeObjects(loadKubeConfig(KUBECONFIG));
    namespace = `domains-${Date.now().toString(36)}`;
    await kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    const owner = await kube.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'gh-gatehouse-domain-reconciler', namespace },
      data: { 'config.json': '{}' },
    });
    ownerUid = (owner.metadata as { uid: string }).uid;
    cfg = parseReconcilerConfig(RAW_CONFIG, namespace);
  });

  after(async () => {
    if (missing.length > 0 || !kube) return;
    await kube.delete('v1', 'Namespace', '', namespace);
  });

  const skipIfMissing = (t: { skip: (reason: string) => void }) => {
    if (missing.length === 0) return false;
    t.skip(`${missing.join(', ')} not installed in ${TOOLS_DIR} (run scripts/k8s/install-tools.sh)`);
    return true;
  };

  const ingresses = async () =>
    (await kube.list(
      'networking.k8s.io/v1',
      'Ingress',
      namespace,
      'app.kubernetes.io/managed-by=gatehouse',
    )) as Array<{
      // biome-ignore lint/suspicious/noExplicitAny: live objects are free-form
      metadata: any;
      // biome-ignore lint/suspicious/noExplicitAny: as above
      spec: any;
    }>;

  test('create → update → run twice → delete, with the tenant labels, issuer and owner', async (t) => {
    if (skipIfMissing(t)) return;
    const tenantId = randomUUID();
    const domain: CustomDomainRecord = {
      id: randomUUID(),
      tenantId,
      hostname: 'podcast.creator-one.example',
      status: 'active',
    };
    const pending: CustomDomainRecord = {
      id: randomUUID(),
      tenantId,
      hostname: 'pending.creator-one.example',
      status: 'pending',
    };
    const source = memorySource([domain, pending]);
    const reconciler = new DomainReconciler(kube, source, cfg);

    // create: one Ingress for the active domain only
    const first = await reconciler.reconcileOnce();
    const name = `gh-gatehouse-domain-${domain.id}`;
    assert.deepEqual(first.created, [name]);
    let live = await ingresses();
    assert.equal(live.length, 1);
    const ing = live[0];
    assert.ok(ing);
    assert.equal(ing.metadata.name, name);
    assert.equal(ing.metadata.labels['gatehouse.dev/tenant-id'], tenantId);
    assert.equal(ing.metadata.labels['gatehouse.dev/custom-domain-id'], domain.id);
    assert.equal(ing.metadata.labels['app.kubernetes.io/managed-by'], 'gatehouse');
    assert.equal(ing.metadata.annotations['cert-manager.io/cluster-issuer'], 'letsencrypt-prod');
    assert.deepEqual(
      ing.metadata.ownerReferences.map((o: { kind: string; uid: string }) => [o.kind, o.uid]),
      [['ConfigMap', ownerUid]],
    );
    assert.equal(ing.spec.ingressClassName, 'nginx');
    assert.equal(ing.spec.rules[0].host, 'podcast.creator-one.example');
    assert.deepEqual(ing.spec.tls, [{ hosts: ['podcast.creator-one.example'], secretName: `${name}-tls` }]);
    // edge mode: everything to the edge Service, which answers 404 itself for non-public paths
    assert.deepEqual(ing.spec.rules[0].http.paths, [
      {
        path: '/',
        pathType: 'Prefix',
        backend: { service: { name: 'gh-gatehouse-edge', port: { number: 80 } } },
      },
    ]);
    assert.equal(ing.metadata.annotations['nginx.ingress.kubernetes.io/use-regex'], undefined);

    // run twice: nothing written (resourceVersion unchanged)
    const rv = ing.metadata.resourceVersion;
    const second = await reconciler.reconcileOnce();
    assert.deepEqual(second, { created: [], updated: [], deleted: [], unchanged: [name], conflicts: [] });
    live = await ingresses();
    assert.equal(live[0]?.metadata.resourceVersion, rv);

    // change: the host name moves; the same object is updated in place, others' annotations kept
    const withForeign = {
      ...(live[0] as object),
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
    } as Record<string, unknown>;
    (withForeign.metadata as { annotations: Record<string, string> }).annotations[
      'example.com/added-by-someone'
    ] = 'yes';
    await kube.replace(withForeign);
    domain.hostname = 'feeds.creator-one.example';
    source.rows[0] = { ...domain };
    const third = await reconciler.reconcileOnce();
    assert.deepEqual(third.updated, [name]);
    live = await ingresses();
    assert.equal(live.length, 1);
    assert.equal(live[0]?.spec.rules[0].host, 'feeds.creator-one.example');
    assert.deepEqual(live[0]?.spec.tls[0].hosts, ['feeds.creator-one.example']);
    assert.equal(live[0]?.metadata.annotations['example.com/added-by-someone'], 'yes');

    // pending → active: a second Ingress appears
    source.rows[1] = { ...pending, status: 'active' };
    const fourth = await reconciler.reconcileOnce();
    assert.deepEqual(fourth.created, [`gh-gatehouse-domain-${pending.id}`]);
    assert.equal((await ingresses()).length, 2);

    // removing / deleted rows: their Ingresses go; an unmanaged Ingress in the namespace stays
    await kube.create({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'hand-made', namespace },
      spec: { defaultBackend: { service: { name: 'other', port: { number: 80 } } } },
    });
    source.rows[0] = { ...domain, status: 'removing' };
    source.rows.splice(1, 1);
    const fifth = await reconciler.reconcileOnce();
    assert.deepEqual(fifth.deleted.sort(), [name, `gh-gatehouse-domain-${pending.id}`].sort());
    assert.equal((await ingresses()).length, 0);
    assert.ok(await kube.read('networking.k8s.io/v1', 'Ingress', namespace, 'hand-made'));
  });

  test('ingress-nginx mode: only the public prefixes are routed; an old catch-all Ingress is replaced', async (t) => {
    if (skipIfMissing(t)) return;
    const services = {
      auth: 'gh-gatehouse-auth',
      media: 'gh-gatehouse-media',
      feeds: 'gh-gatehouse-feeds',
      billing: 'gh-gatehouse-billing',
      web: 'gh-gatehouse-web',
    };
    // The chart's config.json in ingress-nginx mode: a Service per public prefix, no edge backend.
    const { backend: _edge, ...common } = RAW_CONFIG;
    const nginxCfg = parseReconcilerConfig({ ...common, edgeMode: 'ingress-nginx', services }, namespace);
    const domain: CustomDomainRecord = {
      id: randomUUID(),
      tenantId: randomUUID(),
      hostname: 'nginx.creator-four.example',
      status: 'active',
    };
    const name = `gh-gatehouse-domain-${domain.id}`;
    // What the reconciler wrote before this mode existed: `/` to media (its /metrics, /readyz…).
    await kube.create({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        name,
        namespace,
        labels: {
          'app.kubernetes.io/managed-by': 'gatehouse',
          'gatehouse.dev/reconciler': cfg.leaseName,
          'gatehouse.dev/tenant-id': domain.tenantId,
          'gatehouse.dev/custom-domain-id': domain.id,
        },
      },
      spec: {
        ingressClassName: 'nginx',
        rules: [
          {
            host: domain.hostname,
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: services.media, port: { number: 80 } } },
                },
              ],
            },
          },
        ],
      },
    });
    const source = memorySource([domain]);
    const reconciler = new DomainReconciler(kube, source, nginxCfg);
    assert.deepEqual((await reconciler.reconcileOnce()).updated, [name]);
    const live = (await ingresses()).find((i) => i.metadata.name === name);
    assert.ok(live);
    assert.equal(live.metadata.annotations['nginx.ingress.kubernetes.io/use-regex'], 'true');
    assert.equal(live.spec.defaultBackend, undefined);
    const paths: Array<{
      path: string;
      pathType: string;
      backend: { service: { name: string; port: object } };
    }> = live.spec.rules.flatMap((r: { http: { paths: unknown[] } }) => r.http.paths);
    assert.deepEqual(
      paths.map((p) => [p.path, p.pathType, p.backend.service.name, p.backend.service.port]),
      CUSTOM_DOMAIN_ROUTES.map((r) => [
        r.prefix,
        'ImplementationSpecific',
        services[r.service],
        { name: 'http' },
      ]),
    );
    // ingress-nginx renders each path as the regex location `~* "^<path>"`: nothing internal matches.
    for (const request of [
      '/',
      '/internal/v1/origins',
      '/internal/',
      '/edge/decide/media/t/e/f',
      '/metrics',
      '/readyz',
      '/openapi.json',
    ]) {
      const routed = paths.filter((p) => new RegExp(`^${p.path}`, 'i').test(request)).map((p) => p.path);
      assert.deepEqual(routed, [], `${request} must not be routed on a custom domain`);
    }
    assert.deepEqual((await reconciler.reconcileOnce()).unchanged, [name]);

    // Back to edge mode: `/` to the edge, and the regex annotation goes.
    assert.deepEqual((await new DomainReconciler(kube, source, cfg).reconcileOnce()).updated, [name]);
    const back = (await ingresses()).find((i) => i.metadata.name === name);
    assert.deepEqual(
      back?.spec.rules[0].http.paths.map((p: { path: string }) => p.path),
      ['/'],
    );
    assert.equal(back?.metadata.annotations['nginx.ingress.kubernetes.io/use-regex'], undefined);
    source.rows.length = 0;
    assert.deepEqual((await reconciler.reconcileOnce()).deleted, [name]);
  });

  test('two replicas: only the Lease holder acts; the other takes over when the lease expires', async (t) => {
    if (skipIfMissing(t)) return;
    const leaseName = `lease-${Date.now().toString(36)}`;
    let clock = new Date();
    const now = () => clock;
    const a = new LeaseElector(kube, {
      namespace,
      leaseName,
      identity: 'replica-a',
      leaseDurationSeconds: 15,
      now,
    });
    const b = new LeaseElector(kube, {
      namespace,
      leaseName,
      identity: 'replica-b',
      leaseDurationSeconds: 15,
      now,
    });
    const source = memorySource([
      { id: randomUUID(), tenantId: randomUUID(), hostname: 'leader.creator-two.example', status: 'active' },
    ]);
    const acted: string[] = [];
    const tick = async (who: string, elector: LeaseElector) => {
      if (await elector.tryAcquireOrRenew()) {
        await new DomainReconciler(kube, source, cfg).reconcileOnce();
        acted.push(who);
      }
    };
    // Both race for the lease at once: exactly one wins (optimistic concurrency on the Lease).
    const race = await Promise.all([a.tryAcquireOrRenew(), b.tryAcquireOrRenew()]);
    assert.equal(race.filter(Boolean).length, 1, `exactly one replica leads, got ${race}`);
    const [leader, follower, leaderName, followerName] = race[0] ? [a, b, 'a', 'b'] : [b, a, 'b', 'a'];
    await tick(leaderName, leader);
    await tick(followerName, follower);
    await tick(leaderName, leader);
    assert.deepEqual(acted, [leaderName, leaderName]);
    const lease = await kube.read('coordination.k8s.io/v1', 'Lease', namespace, leaseName);
    assert.equal((lease!.spec as { holderIdentity: string }).holderIdentity, `replica-${leaderName}`);
    assert.equal((await ingresses()).length, 1);

    // The leader stops renewing: after the lease duration the follower takes over.
    clock = new Date(clock.getTime() + 16_000);
    await tick(followerName, follower);
    assert.deepEqual(acted, [leaderName, leaderName, followerName]);
    assert.equal(await leader.tryAcquireOrRenew(), false);
    const taken = await kube.read('coordination.k8s.io/v1', 'Lease', namespace, leaseName);
    assert.equal((taken!.spec as { holderIdentity: string }).holderIdentity, `replica-${followerName}`);
    assert.equal((taken!.spec as { leaseTransitions: number }).leaseTransitions, 1);

    // A released lease is free at once.
    await follower.release();
    assert.equal(await leader.tryAcquireOrRenew(), true);
  });

  test('httproute kind: one HTTPRoute per active domain, attached to the configured Gateway', async (t) => {
    if (skipIfMissing(t)) return;
    const crds = path.join(TOOLS_DIR, 'gateway-api-crds');
    if (!existsSync(crds))
      return t.skip('Gateway API CRDs not installed (scripts/k8s/install-tools.sh gateway-crds)');
    const kubectl = path.join(TOOLS_DIR, 'kubectl');
    execFileSync(kubectl, ['--kubeconfig', KUBECONFIG, 'apply', '--server-side', '-f', crds], {
      stdio: 'ignore',
    });
    execFileSync(
      kubectl,
      [
        '--kubeconfig',
        KUBECONFIG,
        'wait',
        '--for=condition=Established',
        '--timeout=60s',
        'crd/httproutes.gateway.networking.k8s.io',
      ],
      {
        stdio: 'ignore',
      },
    );
    const routeCfg = {
      ...cfg,
      kind: 'httproute' as const,
      gatewayRef: { name: 'public', namespace: 'gateway-system' },
    };
    const domain: CustomDomainRecord = {
      id: randomUUID(),
      tenantId: randomUUID(),
      hostname: 'route.creator-three.example',
      status: 'active',
    };
    const source = memorySource([domain]);
    const reconciler = new DomainReconciler(kube, source, routeCfg);
    const name = `gh-gatehouse-domain-${domain.id}`;
    assert.deepEqual((await reconciler.reconcileOnce()).created, [name]);
    const route = await kube.read('gateway.networking.k8s.io/v1', 'HTTPRoute', namespace, name);
    // biome-ignore lint/suspicious/noExplicitAny: live object
    const r = route as any;
    assert.deepEqual(r.spec.hostnames, ['route.creator-three.example']);
    assert.deepEqual(
      r.spec.parentRefs.map((p: { name: string; namespace: string }) => [p.name, p.namespace]),
      [['public', 'gateway-system']],
    );
    assert.equal(r.metadata.labels['gatehouse.dev/tenant-id'], domain.tenantId);
    // The API server defaults fields (weights, group, kind): they must not read as drift.
    assert.deepEqual((await reconciler.reconcileOnce()).unchanged, [name]);
    source.rows.length = 0;
    assert.deepEqual((await reconciler.reconcileOnce()).deleted, [name]);
    assert.equal(await kube.read('gateway.networking.k8s.io/v1', 'HTTPRoute', namespace, name), undefined);
  });
});
