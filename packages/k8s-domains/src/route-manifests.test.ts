import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, parseReconcilerConfig } from './reconciler-config.ts';
import { desiredRoute, isUpToDate } from './route-manifests.ts';

const raw = {
  kind: 'ingress',
  clusterIssuer: 'letsencrypt',
  ingressClassName: '',
  gatewayRef: {},
  backend: { service: 'gh-gatehouse-edge', port: 80 },
  leaseName: 'gh-gatehouse-domain-reconciler',
  ownerConfigMap: 'gh-gatehouse-domain-reconciler',
  namePrefix: 'gh-gatehouse-domain-',
  intervalSeconds: 30,
};
const owner = { apiVersion: 'v1', kind: 'ConfigMap', name: 'gh-gatehouse-domain-reconciler', uid: 'u-1' };
const domain = { id: '0190A', tenantId: 't-1', hostname: 'a.example.com', status: 'active' as const };

test('config: unknown keys, bad kinds and a missing gateway are refused by name', () => {
  assert.equal(parseReconcilerConfig(raw, 'gatehouse').ingressClassName, '');
  assert.throws(() => parseReconcilerConfig({ ...raw, kinds: 'x' }, 'ns'), /kinds is not a known setting/);
  assert.throws(
    () => parseReconcilerConfig({ ...raw, kind: 'gateway' }, 'ns'),
    /kind must be ingress or httproute/,
  );
  assert.throws(() => parseReconcilerConfig({ ...raw, kind: 'httproute' }, 'ns'), /gatewayRef is required/);
  assert.throws(
    () => parseReconcilerConfig({ ...raw, backend: { service: 'x', port: 0 } }, 'ns'),
    ConfigError,
  );
});

test('manifest: no ingressClassName when empty; a lower-case name from the row id; drift detection', () => {
  const cfg = parseReconcilerConfig(raw, 'gatehouse');
  const ing = desiredRoute(cfg, domain, owner);
  assert.equal(ing.metadata.name, 'gh-gatehouse-domain-0190a');
  assert.equal('ingressClassName' in ing.spec, false);
  // Server-added fields do not count as drift; a changed host does.
  const live = JSON.parse(JSON.stringify(ing));
  live.metadata.uid = 'x';
  live.metadata.labels.extra = 'y';
  live.status = { loadBalancer: {} };
  assert.equal(isUpToDate(ing, live), true);
  live.spec.rules[0].host = 'b.example.com';
  assert.equal(isUpToDate(ing, live), false);
  const route = desiredRoute(
    parseReconcilerConfig({ ...raw, kind: 'httproute', gatewayRef: { name: 'gw' } }, 'ns'),
    domain,
    owner,
  );
  assert.equal(route.kind, 'HTTPRoute');
  assert.equal(route.metadata.annotations['cert-manager.io/cluster-issuer'], undefined);
});
