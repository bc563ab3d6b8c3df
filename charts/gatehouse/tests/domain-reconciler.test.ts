// templates/domain-reconciler.yaml
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseReconcilerConfig } from '../../../packages/k8s-domains/src/index.ts';
import { FULLNAME, find, ofKind, renderChart, skipWithoutTools } from './chart-harness.ts';

test('reconciler: config the library accepts, least-privilege Role, token mounted', (t) => {
  if (skipWithoutTools(t)) return;
  const docs = renderChart({ scenario: 'edge' });
  const cm = find(docs, 'ConfigMap', `${FULLNAME}-domain-reconciler`);
  const cfg = parseReconcilerConfig(JSON.parse(cm.data['config.json']), 'gatehouse');
  assert.equal(cfg.kind, 'ingress');
  assert.deepEqual(cfg.backend, { service: `${FULLNAME}-edge`, port: 80 });
  assert.equal(cfg.ingressClassName, 'traefik');
  assert.equal(cfg.ownerConfigMap, cm.metadata.name);
  const role = find(docs, 'Role', `${FULLNAME}-domain-reconciler`);
  const rules = role.rules.map(
    (r: { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }) => [
      r.apiGroups[0],
      r.resources[0],
      r.verbs.join(','),
      r.resourceNames?.join(',') ?? '*',
    ],
  );
  assert.deepEqual(rules, [
    ['networking.k8s.io', 'ingresses', 'get,list,watch,create,update,patch,delete', '*'],
    ['coordination.k8s.io', 'leases', 'create', '*'],
    ['coordination.k8s.io', 'leases', 'get,update', `${FULLNAME}-domain-reconciler`],
    ['', 'configmaps', 'get', `${FULLNAME}-domain-reconciler`],
  ]);
  // Only the reconciler gets Roles at all.
  assert.equal(ofKind(docs, 'Role').length, 1);
  assert.equal(ofKind(docs, 'ClusterRole').length, 0);
  const binding = find(docs, 'RoleBinding', `${FULLNAME}-domain-reconciler`);
  assert.deepEqual(binding.subjects, [
    { kind: 'ServiceAccount', name: `${FULLNAME}-domain-reconciler`, namespace: 'gatehouse' },
  ]);
  const pod = find(docs, 'Deployment', `${FULLNAME}-domain-reconciler`).spec.template.spec;
  assert.equal(pod.automountServiceAccountToken, true);
  assert.deepEqual(pod.containers[0].command, ['node', 'src/domain-reconciler/domain-reconciler.main.ts']);
  assert.equal(pod.containers[0].securityContext.readOnlyRootFilesystem, true);
  // ingress-nginx mode routes domains to the host catch-all with the controller's class
  const nginxCfg = JSON.parse(
    find(renderChart({ scenario: 'ingress-nginx' }), 'ConfigMap', `${FULLNAME}-domain-reconciler`).data[
      'config.json'
    ],
  );
  assert.equal(nginxCfg.ingressClassName, 'nginx');
  assert.equal(nginxCfg.backend.service, `${FULLNAME}-media`);
  // httproute kind swaps the Ingress verbs for HTTPRoute verbs
  const routeDocs = renderChart({
    scenario: 'edge',
    set: ['customDomains.kind=httproute', 'customDomains.gatewayRef.name=public'],
  });
  const routeRole = find(routeDocs, 'Role', `${FULLNAME}-domain-reconciler`);
  assert.deepEqual(routeRole.rules[0].resources, ['httproutes']);
  assert.equal(ofKind(renderChart({ scenario: 'hpa' }), 'Role').length, 0);
});
