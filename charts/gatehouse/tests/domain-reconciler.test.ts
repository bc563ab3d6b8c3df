// templates/domain-reconciler.yaml
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  desiredRoute,
  LISTENER_PAGE_ROUTES,
  PUBLIC_ROUTES,
  parseReconcilerConfig,
} from '../../../packages/k8s-domains/src/index.ts';
import { FULLNAME, find, ofKind, renderChart, skipWithoutTools } from './chart-harness.ts';

test('reconciler: config the library accepts, least-privilege Role, token mounted', (t) => {
  if (skipWithoutTools(t)) return;
  const docs = renderChart({ scenario: 'edge' });
  const cm = find(docs, 'ConfigMap', `${FULLNAME}-domain-reconciler`);
  const cfg = parseReconcilerConfig(JSON.parse(cm.data['config.json']), 'gatehouse');
  assert.equal(cfg.kind, 'ingress');
  // edge mode: a custom domain goes to the edge Service, like the platform host
  assert.deepEqual(cfg.target, { edgeMode: 'edge', backend: { service: `${FULLNAME}-edge`, port: 80 } });
  // …whose one server is the default for any Host and answers 404 itself for every non-public path.
  const edgeConf: string = find(docs, 'ConfigMap', `${FULLNAME}-edge`).data['nginx.conf.template'];
  assert.equal(edgeConf.match(/^ {2}server \{$/gm)?.length, 1);
  assert.match(edgeConf, /^ {4}server_name _;$/m);
  for (const prefix of ['/internal/', '/edge/'])
    assert.ok(
      edgeConf.includes(`location ^~ ${prefix} {\n      access_log off;\n      return 404;\n    }`),
      prefix,
    );
  assert.ok(edgeConf.includes('    location / {\n      return 404;\n    }\n  }\n}'), 'catch-all is a 404');
  assert.doesNotMatch(edgeConf, /location [=^~ ]*\/(metrics|readyz|openapi\.json)/);
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
  // ingress-nginx mode: the controller's class, a Service per public prefix, no catch-all backend
  const nginxDocs = renderChart({ scenario: 'ingress-nginx' });
  const nginxCfg = parseReconcilerConfig(
    JSON.parse(find(nginxDocs, 'ConfigMap', `${FULLNAME}-domain-reconciler`).data['config.json']),
    'gatehouse',
  );
  assert.equal(nginxCfg.ingressClassName, 'nginx');
  assert.deepEqual(nginxCfg.target, {
    edgeMode: 'ingress-nginx',
    services: Object.fromEntries(
      ['auth', 'media', 'feeds', 'billing', 'web'].map((s) => [s, `${FULLNAME}-${s}`]),
    ),
  });
  // A custom domain's Ingress routes exactly what the chart's Ingress for edge.host routes.
  const hostPaths = find(nginxDocs, 'Ingress', FULLNAME).spec.rules[0].http.paths;
  const owner = { apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: 'u' };
  const domain = { id: 'd1', tenantId: 't1', hostname: 'podcast.creator.example', status: 'active' as const };
  const domainIng = desiredRoute(nginxCfg, domain, owner);
  const domainRules = domainIng.spec.rules as Array<{ http: { paths: unknown[] } }>;
  assert.deepEqual(domainRules[0]?.http.paths.slice(0, hostPaths.length), hostPaths);
  assert.deepEqual(
    domainRules[0]?.http.paths.slice(hostPaths.length).map((p) => (p as { path: string }).path),
    LISTENER_PAGE_ROUTES.map((r) => r.prefix),
  );
  assert.equal(domainIng.metadata.annotations['nginx.ingress.kubernetes.io/use-regex'], 'true');
  assert.equal(hostPaths.length, PUBLIC_ROUTES.length);
  // An HTTPRoute would be served by another implementation, without the controller's snippet.
  assert.throws(
    () =>
      renderChart({
        scenario: 'ingress-nginx',
        set: ['customDomains.kind=httproute', 'customDomains.gatewayRef.name=public'],
      }),
    /customDomains\.kind=httproute needs edge\.mode=edge/,
  );
  // httproute kind swaps the Ingress verbs for HTTPRoute verbs
  const routeDocs = renderChart({
    scenario: 'edge',
    set: ['customDomains.kind=httproute', 'customDomains.gatewayRef.name=public'],
  });
  const routeRole = find(routeDocs, 'Role', `${FULLNAME}-domain-reconciler`);
  assert.deepEqual(routeRole.rules[0].resources, ['httproutes']);
  assert.equal(ofKind(renderChart({ scenario: 'hpa' }), 'Role').length, 0);
});
