/**
 * The one-node cluster of scripts/k8s/cluster.sh runs real pods: node Ready, a Deployment of a
 * locally built image Ready through its readiness probe, its Service reached by ClusterIP
 * from the host (kube-proxy; an unknown Service address never answered from off the node),
 * cluster DNS from a pod (CoreDNS), PodSecurity admission, a NetworkPolicy enforced
 * (kube-network-policies), resource metrics (metrics-server).
 * Runs only with GATEHOUSE_K8S_CLUSTER=1 and the cluster up (not part of `npm test` yet):
 *   bash scripts/k8s/cluster.sh up
 *   GATEHOUSE_K8S_CLUSTER=1 npx node --test --test-force-exit scripts/k8s/test/cluster.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { waitFor } from '@gatehouse/testkit';
import {
  hostGet,
  imageRef,
  kubectl,
  kubectlOk,
  podSecurity,
  restricted,
  testboxPod,
  wgetFromPod,
} from './cluster-harness.ts';

const enabled = process.env.GATEHOUSE_K8S_CLUSTER === '1';
const NS = `gh-cluster-test-${process.pid}`;

const clientPod = (name: string, labels: Record<string, string>) => testboxPod(NS, name, labels);
const fetchFromPod = (pod: string, url: string) => wgetFromPod(NS, pod, url);

describe('one-node cluster', {
  skip: enabled ? false : 'set GATEHOUSE_K8S_CLUSTER=1 (scripts/k8s/cluster.sh up)',
}, () => {
  let clusterIP = '';

  before(() => {
    kubectlOk(['create', 'namespace', NS]);
    kubectlOk(['label', 'namespace', NS, 'pod-security.kubernetes.io/enforce=restricted']);
    const web = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: NS },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            securityContext: podSecurity,
            containers: [
              {
                name: 'httpd',
                image: imageRef('TESTBOX'),
                imagePullPolicy: 'Never',
                command: ['httpd', '-f', '-p', '8080', '-h', '/www'],
                ports: [{ containerPort: 8080 }],
                readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 },
                resources: { requests: { cpu: '10m', memory: '8Mi' } },
                securityContext: restricted,
              },
            ],
          },
        },
      },
    };
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: NS },
      spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
    };
    kubectlOk(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [web, svc] }));
    clusterIP = kubectlOk(['-n', NS, 'get', 'service', 'web', '-o', 'jsonpath={.spec.clusterIP}']);
  });

  after(() => {
    if (enabled) kubectl(['delete', 'namespace', NS, '--wait=false']);
  });

  test('the node is Ready', () => {
    const ready = kubectlOk([
      'get',
      'nodes',
      '-o',
      'jsonpath={.items[*].status.conditions[?(@.type=="Ready")].status}',
    ]);
    assert.equal(ready, 'True');
  });

  test('a Deployment of a locally built image becomes Ready through its readiness probe', () => {
    kubectlOk(['-n', NS, 'rollout', 'status', 'deployment/web', '--timeout=120s']);
    const ready = kubectlOk(['-n', NS, 'get', 'deployment', 'web', '-o', 'jsonpath={.status.readyReplicas}']);
    assert.equal(ready, '2');
  });

  test('the Service answers on its ClusterIP from the host (kube-proxy)', async () => {
    assert.match(clusterIP, /^10\.97\.0\.\d+$/);
    // kube-proxy programs a new Service asynchronously; until then the address has no
    // neighbour on the bridge and the connection fails. Each attempt is a new connection.
    const body = await waitFor(
      async () => {
        const answer = await hostGet(`http://${clusterIP}/`);
        assert.equal(answer.status, 200);
        return answer.body;
      },
      { timeoutMs: 30_000, intervalMs: 500, description: `200 from http://${clusterIP}/` },
    );
    assert.equal(body.trim(), 'gatehouse-testbox');
  });

  test('a Service address kube-proxy does not know is never answered from off the node (host side)', async () => {
    const taken = new Set(
      kubectlOk(['get', 'services', '-A', '-o', 'jsonpath={.items[*].spec.clusterIP}']).split(/\s+/),
    );
    const free = Array.from({ length: 200 }, (_, i) => `10.97.0.${250 - i}`).find((ip) => !taken.has(ip));
    assert.ok(free, 'a free address in the Service range');
    // Without the host's route through the bridge this went out of the default route, and a
    // server out there answered 404 for the "Service".
    const outcome = await hostGet(`http://${free}/`, 8000).then(
      (res) => `answered ${res.status}`,
      (err: NodeJS.ErrnoException) => err.code ?? err.message,
    );
    assert.match(outcome, /^(EHOSTUNREACH|ECONNREFUSED|ENETUNREACH)$/);
  });

  test('PodSecurity admission refuses a privileged pod in a restricted namespace', () => {
    const pod = clientPod('privileged', {});
    const spec = pod.spec.containers[0];
    const r = kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({ ...pod, spec: { containers: [{ ...spec, securityContext: { privileged: true } }] } }),
    );
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /violates PodSecurity "restricted/);
  });

  test('a pod resolves a Service name through the cluster DNS and reaches it', () => {
    kubectlOk(['apply', '-f', '-'], JSON.stringify(clientPod('dns-client', { role: 'client' })));
    kubectlOk(['-n', NS, 'wait', '--for=condition=Ready', 'pod/dns-client', '--timeout=120s']);
    const lookup = kubectlOk([
      '-n',
      NS,
      'exec',
      'dns-client',
      '--',
      'nslookup',
      `web.${NS}.svc.cluster.local`,
    ]);
    assert.match(lookup, new RegExp(`Address:\\s+${clusterIP.replaceAll('.', '\\.')}`));
    // The short name through the pod's search path.
    assert.equal(fetchFromPod('dns-client', 'http://web/')?.trim(), 'gatehouse-testbox');
  });

  test('a NetworkPolicy is enforced: only the allowed pod reaches the Service', () => {
    kubectlOk(['apply', '-f', '-'], JSON.stringify(clientPod('allowed', { access: 'web' })));
    kubectlOk(['apply', '-f', '-'], JSON.stringify(clientPod('denied', { access: 'none' })));
    kubectlOk(['-n', NS, 'wait', '--for=condition=Ready', 'pod/allowed', 'pod/denied', '--timeout=120s']);
    // Before any policy both get through, so a refusal below is the policy's doing.
    assert.equal(fetchFromPod('denied', `http://${clusterIP}/`)?.trim(), 'gatehouse-testbox');
    const policy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'web-ingress', namespace: NS },
      spec: {
        podSelector: { matchLabels: { app: 'web' } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: { matchLabels: { access: 'web' } } }], ports: [{ port: 8080 }] }],
      },
    };
    kubectlOk(['apply', '-f', '-'], JSON.stringify(policy));
    // The agent applies policies asynchronously: wait (bounded) for the refusal.
    const deadline = Date.now() + 30_000;
    let denied: string | null = 'not tried';
    while (Date.now() < deadline) {
      denied = fetchFromPod('denied', `http://${clusterIP}/`);
      if (denied === null) break;
    }
    assert.equal(denied, null, 'the pod outside the policy still reached web');
    assert.equal(fetchFromPod('allowed', `http://${clusterIP}/`)?.trim(), 'gatehouse-testbox');
  });

  test('metrics-server serves node metrics (what the HPA reads)', async () => {
    type NodeMetrics = { items?: { usage: { cpu: string; memory: string } }[] };
    const deadline = Date.now() + 90_000;
    let metrics: NodeMetrics = {};
    let last = '';
    while (Date.now() < deadline) {
      const r = kubectl(['get', '--raw', '/apis/metrics.k8s.io/v1beta1/nodes']);
      last = r.status === 0 ? r.stdout : r.stderr;
      if (r.status === 0) metrics = JSON.parse(r.stdout) as NodeMetrics;
      if ((metrics.items?.length ?? 0) > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
    assert.equal(metrics.items?.length, 1, last);
    assert.match(metrics.items?.[0]?.usage.memory ?? '', /^\d+Ki$/);
  });

  test('a HorizontalPodAutoscaler gets a valid CPU metric for the Deployment', async () => {
    const hpa = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: NS },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: 2,
        maxReplicas: 3,
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
          },
        ],
      },
    };
    kubectlOk(['apply', '-f', '-'], JSON.stringify(hpa));
    // metrics-server has pod metrics one scrape (15 s) after the pods start.
    const deadline = Date.now() + 120_000;
    let active = '';
    while (Date.now() < deadline) {
      active = kubectlOk([
        '-n',
        NS,
        'get',
        'hpa',
        'web',
        '-o',
        'jsonpath={.status.conditions[?(@.type=="ScalingActive")].status}/{.status.conditions[?(@.type=="ScalingActive")].reason}',
      ]);
      if (active.startsWith('True')) break;
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
    assert.equal(active, 'True/ValidMetricFound');
  });
});
