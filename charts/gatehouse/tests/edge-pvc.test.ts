// templates/edge-pvc.yaml
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FULLNAME, find, ofKind, renderChart, skipWithoutTools } from './chart-harness.ts';

test('cache PVC only for cache.type=pvc without an existing claim, kept across uninstall', (t) => {
  if (skipWithoutTools(t)) return;
  const pvc = find(renderChart({ scenario: 'edge' }), 'PersistentVolumeClaim', `${FULLNAME}-edge-cache`);
  assert.deepEqual(pvc.spec.accessModes, ['ReadWriteMany']);
  assert.equal(pvc.spec.resources.requests.storage, '50Gi');
  assert.equal(pvc.metadata.annotations?.['helm.sh/resource-policy'], 'keep');
  assert.equal(ofKind(renderChart({ scenario: 'existing-secrets' }), 'PersistentVolumeClaim').length, 0);
  const existing = renderChart({ scenario: 'edge', set: ['edge.cache.existingClaim=my-cache'] });
  assert.equal(ofKind(existing, 'PersistentVolumeClaim').length, 0);
  const vol = find(existing, 'Deployment', `${FULLNAME}-edge`).spec.template.spec.volumes.find(
    (v: { name: string }) => v.name === 'cache',
  );
  assert.equal(vol.persistentVolumeClaim.claimName, 'my-cache');
});
