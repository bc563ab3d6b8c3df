/**
 * `helm install` into the real API server (etcd + kube-apiserver, no kubelet, no controllers).
 * Nothing runs pods here, so Helm's wait for the pre-install hook Job would never end: the test
 * plays the Job controller's part and marks the migration Job complete through the status
 * subresource, exactly what the controller does after the pod succeeds. Helm then creates the
 * release's objects (install uses the default `--wait=hookOnly`: it waits for hooks, not for pods).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CHART,
  ensureApiServer,
  ensureGatewayCrds,
  FULLNAME,
  HELM,
  KUBECONFIG,
  kubectl,
  RELEASE,
  run,
  type Scenario,
  scenarioFile,
  skipWithoutTools,
  uniqueNamespace,
} from './chart-harness.ts';

const TOOLS = ['helm', 'kubectl', 'etcd', 'kube-apiserver'];

function helmAsync(args: string[]): Promise<{ status: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(HELM, [...args, '--kubeconfig', KUBECONFIG], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (status) => resolve({ status: status ?? -1, output }));
  });
}

/** Waits for the hook Job to exist, then records its success as the Job controller would. */
async function completeHookJob(ns: string, name: string, notUid?: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 120; i++) {
    const r = kubectl(['get', 'job', name, '-n', ns, '-o', 'json']);
    const job = r.status === 0 ? JSON.parse(r.stdout) : undefined;
    if (job && job.metadata.uid !== notUid) {
      if (!notUid) {
        // The hook runs before the release's ordinary objects: none exists yet.
        const d = kubectl(['get', 'deployments', '-n', ns, '-o', 'name']);
        assert.equal(d.stdout.trim(), '', 'Deployments were created before the pre-install hook finished');
      }
      const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      const status = {
        status: {
          startTime: now,
          completionTime: now,
          succeeded: 1,
          conditions: [
            { type: 'SuccessCriteriaMet', status: 'True', lastProbeTime: now, lastTransitionTime: now },
            { type: 'Complete', status: 'True', lastProbeTime: now, lastTransitionTime: now },
          ],
        },
      };
      const p = kubectl([
        'patch',
        'job',
        name,
        '-n',
        ns,
        '--subresource=status',
        '--type=merge',
        '-p',
        JSON.stringify(status),
      ]);
      assert.equal(p.status, 0, p.stderr);
      return job;
    }
    await sleep(250);
  }
  throw new Error(`hook Job ${ns}/${name} never appeared`);
}

async function installAndCheck(scenario: Scenario) {
  const ns = uniqueNamespace(`install-${scenario}`);
  assert.equal(kubectl(['create', 'namespace', ns]).status, 0);
  try {
    if (scenario === 'existing-secrets' || scenario === 'hpa') {
      // The Secret an operator would create (external-secrets, sealed-secrets, kubectl).
      const s = kubectl([
        'create',
        'secret',
        'generic',
        'gatehouse-prod-secrets',
        '-n',
        ns,
        '--from-literal=DATABASE_URL=postgresql://x@db/gatehouse',
        '--from-literal=SECURE_LINK_SECRET=existing-secret-0001',
        '--from-literal=INTERNAL_API_TOKEN=existing-internal-api-token-0001-abcdef',
      ]);
      assert.equal(s.status, 0, s.stderr);
    }
    const install = helmAsync([
      'install',
      RELEASE,
      CHART,
      '-n',
      ns,
      '-f',
      scenarioFile(scenario),
      '--timeout',
      '120s',
    ]);
    const job = await completeHookJob(ns, `${FULLNAME}-migration`);
    assert.equal(
      (job.metadata as { annotations: Record<string, string> }).annotations['helm.sh/hook'],
      'pre-install,pre-upgrade',
    );
    const result = await install;
    assert.equal(result.status, 0, result.output);
    assert.match(result.output, /STATUS: deployed/);
    assert.match(result.output, /Next steps:/);

    const names = (kind: string) => {
      const r = kubectl(['get', kind, '-n', ns, '-o', 'jsonpath={.items[*].metadata.name}']);
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.split(' ').filter(Boolean).sort();
    };
    const services = ['analytics', 'auth', 'billing', 'feeds', 'media', 'web'].map((s) => `${FULLNAME}-${s}`);
    const edge = scenario !== 'ingress-nginx';
    const reconciler = scenario === 'edge' || scenario === 'ingress-nginx';
    const deployments = [
      ...services,
      ...(edge ? [`${FULLNAME}-edge`] : []),
      ...(reconciler ? [`${FULLNAME}-domain-reconciler`] : []),
    ].sort();
    assert.deepEqual(names('deployments'), deployments);
    for (const s of services) assert.ok(names('services').includes(s));
    assert.ok(names('jobs').includes(`${FULLNAME}-migration`));
    assert.ok(names('poddisruptionbudgets').length >= 4);
    if (scenario === 'hpa') assert.equal(names('horizontalpodautoscalers').length, 7);
    else assert.equal(names('networkpolicies').length, edge ? 8 : 7);
    if (scenario === 'edge') {
      assert.ok(names('httproutes.gateway.networking.k8s.io').includes(`${FULLNAME}-edge`));
      assert.ok(names('persistentvolumeclaims').includes(`${FULLNAME}-edge-cache`));
      assert.ok(names('roles').includes(`${FULLNAME}-domain-reconciler`));
    }
    if (scenario === 'ingress-nginx') {
      assert.ok(names('configmaps').includes(`${FULLNAME}-ingress-nginx-snippets`));
      // The public prefixes and the pages (regex paths the API server accepted).
      assert.deepEqual(names('ingresses'), [FULLNAME, `${FULLNAME}-pages`]);
    }
    // No pod exists: nothing schedules here, which is why hooks were completed by hand.
    assert.deepEqual(names('pods'), []);

    const status = run(HELM, ['status', RELEASE, '-n', ns, '--kubeconfig', KUBECONFIG, '-o', 'json']);
    assert.equal(JSON.parse(status.stdout).info.status, 'deployed');

    if (scenario === 'edge') {
      // Upgrade: the pre-upgrade hook replaces the last Job (before-hook-creation) and runs again.
      const oldUid = (job.metadata as { uid: string }).uid;
      const upgrade = helmAsync([
        'upgrade',
        RELEASE,
        CHART,
        '-n',
        ns,
        '-f',
        scenarioFile(scenario),
        '--set',
        'auth.replicaCount=3',
        '--timeout',
        '120s',
      ]);
      const again = await completeHookJob(ns, `${FULLNAME}-migration`, oldUid);
      assert.notEqual((again.metadata as { uid: string }).uid, oldUid);
      const upgraded = await upgrade;
      assert.equal(upgraded.status, 0, upgraded.output);
      const replicas = kubectl([
        'get',
        'deployment',
        `${FULLNAME}-auth`,
        '-n',
        ns,
        '-o',
        'jsonpath={.spec.replicas}',
      ]);
      assert.equal(replicas.stdout, '3');
    }

    const uninstall = run(HELM, ['uninstall', RELEASE, '-n', ns, '--kubeconfig', KUBECONFIG, '--wait=false']);
    assert.equal(uninstall.status, 0, uninstall.stderr);
    assert.deepEqual(names('deployments'), []);
  } finally {
    kubectl(['delete', 'namespace', ns, '--wait=false']);
  }
}

for (const scenario of ['edge', 'ingress-nginx', 'existing-secrets', 'hpa'] as const) {
  test(`helm install (${scenario}) into the real API server: hook Job first, then every object`, async (t) => {
    if (skipWithoutTools(t, TOOLS)) return;
    ensureApiServer();
    ensureGatewayCrds();
    await installAndCheck(scenario);
  });
}
