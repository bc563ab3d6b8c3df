/**
 * Every manifest of every CI scenario, hooks included, validates on the real API server of the
 * declared kubeVersion: `kubectl apply --dry-run=server --validate=strict` runs the server's
 * OpenAPI schema validation (unknown or mistyped fields fail), defaulting and admission,
 * including Pod Security admission enforcing `restricted` on the namespace.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ensureApiServer,
  ensureGatewayCrds,
  helmTemplate,
  kubectl,
  SCENARIOS,
  skipWithoutTools,
  uniqueNamespace,
} from './chart-harness.ts';

const TOOLS = ['helm', 'kubectl', 'etcd', 'kube-apiserver'];

function restrictedNamespace(prefix: string): string {
  const ns = uniqueNamespace(prefix);
  const r = kubectl(['create', 'namespace', ns]);
  assert.equal(r.status, 0, r.stderr);
  const l = kubectl([
    'label',
    'namespace',
    ns,
    'pod-security.kubernetes.io/enforce=restricted',
    'pod-security.kubernetes.io/warn=restricted',
  ]);
  assert.equal(l.status, 0, l.stderr);
  return ns;
}

test('every CI scenario validates strictly against the API server, with no Pod Security warning', (t) => {
  if (skipWithoutTools(t, TOOLS)) return;
  ensureApiServer();
  ensureGatewayCrds();
  for (const scenario of SCENARIOS) {
    const ns = restrictedNamespace(`validate-${scenario}`);
    try {
      const manifests = helmTemplate({ scenario }).replaceAll('namespace: gatehouse', `namespace: ${ns}`);
      const r = kubectl(['apply', '--dry-run=server', '--validate=strict', '-n', ns, '-f', '-'], manifests);
      assert.equal(r.status, 0, `${scenario}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /Warning/, `${scenario}: ${r.stderr}`);
      const applied = r.stdout.trim().split('\n');
      assert.ok(applied.length >= 25, `${scenario}: ${r.stdout}`);
      assert.ok(
        applied.every((line) => line.endsWith('(server dry run)')),
        r.stdout,
      );
    } finally {
      kubectl(['delete', 'namespace', ns, '--wait=false']);
    }
  }
});

test('the validation can fail: an unknown field and a root pod are refused', (t) => {
  if (skipWithoutTools(t, TOOLS)) return;
  ensureApiServer();
  const ns = restrictedNamespace('validate-negative');
  try {
    const bad = helmTemplate({ scenario: 'hpa', showOnly: 'templates/service.yaml' }).replace(
      'type: ClusterIP',
      'type: ClusterIP\n  clusterIPz: None',
    );
    const r = kubectl(['apply', '--dry-run=server', '--validate=strict', '-n', ns, '-f', '-'], bad);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /unknown field "spec\.clusterIPz"/);
    const pod = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'root-pod', namespace: ns },
      // Runs as root with capabilities: allowed by the API server, refused by Pod Security admission.
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    });
    const p = kubectl(['apply', '--dry-run=server', '-f', '-'], pod);
    assert.notEqual(p.status, 0);
    assert.match(p.stderr, /violates PodSecurity "restricted/);
  } finally {
    kubectl(['delete', 'namespace', ns, '--wait=false']);
  }
});
