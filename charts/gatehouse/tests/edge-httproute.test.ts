// templates/edge-httproute.yaml
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FULLNAME, find, helmTemplate, ofKind, renderChart, skipWithoutTools } from './chart-harness.ts';

test('Gateway API HTTPRoute to the edge Service when enabled', (t) => {
  if (skipWithoutTools(t)) return;
  const r = find(renderChart({ scenario: 'edge' }), 'HTTPRoute', `${FULLNAME}-edge`);
  assert.equal(r.apiVersion, 'gateway.networking.k8s.io/v1');
  assert.deepEqual(r.spec.parentRefs, [{ name: 'public', namespace: 'gateway-system' }]);
  assert.deepEqual(r.spec.hostnames, ['media.ci.example.com']);
  assert.deepEqual(r.spec.rules[0].backendRefs, [{ name: `${FULLNAME}-edge`, port: 80 }]);
  assert.equal(ofKind(renderChart({ scenario: 'hpa' }), 'HTTPRoute').length, 0);
  assert.throws(
    () => helmTemplate({ scenario: 'hpa', set: ['edge.httpRoute.enabled=true'] }),
    /edge\.httpRoute\.parentRefs needs at least one Gateway/,
  );
});
