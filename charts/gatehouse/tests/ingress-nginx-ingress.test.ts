// templates/ingress-nginx-ingress.yaml
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FULLNAME, find, ofKind, renderChart, skipWithoutTools } from './chart-harness.ts';

test('ingress-nginx mode: one Ingress for the host with the class, TLS and annotations', (t) => {
  if (skipWithoutTools(t)) return;
  const ing = find(renderChart({ scenario: 'ingress-nginx' }), 'Ingress', FULLNAME);
  assert.equal(ing.spec.ingressClassName, 'nginx');
  assert.deepEqual(ing.spec.tls, [{ hosts: ['media.ci.example.com'], secretName: 'gatehouse-tls' }]);
  assert.equal(ing.metadata.annotations?.['cert-manager.io/cluster-issuer'], 'letsencrypt');
  // No snippet annotations: the admin-level ConfigMap snippets carry the locations.
  assert.ok(!Object.keys(ing.metadata.annotations ?? {}).some((k) => k.includes('snippet')));
  assert.equal(ing.spec.rules[0].host, 'media.ci.example.com');
  assert.equal(ing.spec.rules[0].http.paths[0].backend.service.name, `${FULLNAME}-media`);
  assert.equal(
    ofKind(renderChart({ scenario: 'edge' }), 'Ingress').filter((i) => i.metadata.name === FULLNAME).length,
    0,
  );
});
