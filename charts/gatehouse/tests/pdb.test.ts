// templates/pdb.yaml
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FULLNAME, find, ofKind, renderChart, skipWithoutTools } from './chart-harness.ts';

test('a PodDisruptionBudget per Deployment (edge only in edge mode), minAvailable 1', (t) => {
  if (skipWithoutTools(t)) return;
  const edge = renderChart({ scenario: 'edge' });
  assert.deepEqual(
    ofKind(edge, 'PodDisruptionBudget')
      .map((p) => p.metadata.name)
      .sort(),
    ['analytics', 'auth', 'billing', 'edge', 'feeds', 'media', 'web'].map((s) => `${FULLNAME}-${s}`),
  );
  const p = find(edge, 'PodDisruptionBudget', `${FULLNAME}-auth`);
  assert.equal(p.spec.minAvailable, 1);
  assert.equal(p.spec.selector.matchLabels['app.kubernetes.io/component'], 'auth');
  assert.equal(ofKind(renderChart({ scenario: 'ingress-nginx' }), 'PodDisruptionBudget').length, 6);
  assert.equal(
    ofKind(renderChart({ scenario: 'edge', set: ['auth.pdb.enabled=false'] }), 'PodDisruptionBudget').length,
    6,
  );
  const web = find(edge, 'PodDisruptionBudget', `${FULLNAME}-web`);
  assert.deepEqual(
    [web.spec.minAvailable, web.spec.selector.matchLabels['app.kubernetes.io/component']],
    [1, 'web'],
  );
});
