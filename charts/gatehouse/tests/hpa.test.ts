// templates/hpa.yaml
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FULLNAME, find, ofKind, renderChart, skipWithoutTools } from './chart-harness.ts';

test('HPAs only when enabled, targeting their Deployment with the configured bounds', (t) => {
  if (skipWithoutTools(t)) return;
  assert.equal(ofKind(renderChart({ scenario: 'edge' }), 'HorizontalPodAutoscaler').length, 0);
  const docs = renderChart({ scenario: 'hpa' });
  assert.equal(ofKind(docs, 'HorizontalPodAutoscaler').length, 7);
  assert.equal(
    find(docs, 'HorizontalPodAutoscaler', `${FULLNAME}-web`).spec.scaleTargetRef.name,
    `${FULLNAME}-web`,
  );
  const auth = find(docs, 'HorizontalPodAutoscaler', `${FULLNAME}-auth`);
  assert.deepEqual(auth.spec.scaleTargetRef, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    name: `${FULLNAME}-auth`,
  });
  assert.equal(auth.spec.minReplicas, 3);
  assert.equal(auth.spec.maxReplicas, 12);
  assert.equal(auth.spec.metrics[0].resource.target.averageUtilization, 70);
  assert.equal(find(docs, 'HorizontalPodAutoscaler', `${FULLNAME}-edge`).spec.maxReplicas, 20);
});
