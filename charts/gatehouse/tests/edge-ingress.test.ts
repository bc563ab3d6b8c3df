// templates/edge-ingress.yaml
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FULLNAME, find, ofKind, renderChart, skipWithoutTools } from './chart-harness.ts';

test('edge mode Ingress sends the whole host to the edge Service', (t) => {
  if (skipWithoutTools(t)) return;
  const ing = find(renderChart({ scenario: 'edge' }), 'Ingress', `${FULLNAME}-edge`);
  assert.equal(ing.spec.ingressClassName, 'traefik');
  assert.deepEqual(ing.spec.rules, [
    {
      host: 'media.ci.example.com',
      http: {
        paths: [
          {
            path: '/',
            pathType: 'Prefix',
            backend: { service: { name: `${FULLNAME}-edge`, port: { name: 'http' } } },
          },
        ],
      },
    },
  ]);
  assert.deepEqual(ing.spec.tls, [{ hosts: ['media.ci.example.com'], secretName: 'gatehouse-tls' }]);
  assert.equal(ofKind(renderChart({ scenario: 'existing-secrets' }), 'Ingress').length, 0);
});
